// The web's copies of the server's names, checked against the server itself (`guanxi codes`, read
// by vitest.server.ts): every error code the server answers has a message in both languages, no
// message is kept for a code the server doesn't have, and every permission the web names — in
// the menu, the router, the pages' checks, the role editor's labels and the record types — is one
// the server has.
import { describe, expect, inject, it } from 'vitest'
import en from '@/i18n/locales/en'
import zhCN from '@/i18n/locales/zh-CN'
import { RECORD_TYPES } from '@/modules/records/types'
import type { ServerNames } from './serverNames'
import './serverNames'

const provided = inject('serverNames')
const server: ServerNames | undefined = 'problem' in provided ? undefined : provided

// Texts under `errors` that are the web's own, not a server code: what the web says about a
// failed fetch, an unknown failure and its own form checks.
const WEB_ONLY_MESSAGES = [
  'network_error',
  'unknown',
  'required',
  'maxLength',
  'email',
  'phone',
  'money',
]

// The record kit's actions (server/src/kit/registry.hpp kActions).
const RECORD_ACTIONS = ['view', 'create', 'edit', 'delete']

function keys(object: object, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keys(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  )
}

/** Permission names written in the web's code: session.can('x'), permission: 'x' | [...], permissions: [...]. */
function permissionsInSource(): Map<string, string> {
  const sources = import.meta.glob<string>('/src/**/*.{ts,vue}', {
    query: '?raw',
    import: 'default',
    eager: true,
  })
  const found = new Map<string, string>() // name → file
  for (const [file, text] of Object.entries(sources)) {
    if (file.startsWith('/src/i18n/')) continue // labels, checked below
    for (const call of text.matchAll(/\bsession\.can\(\s*'([^']*)'/g)) found.set(call[1], file)
    for (const value of text.matchAll(/\bpermissions?:\s*(\[[^\]]*\]|'[^']*')/g)) {
      for (const literal of value[1].matchAll(/'([^']*)'/g)) found.set(literal[1], file)
    }
  }
  return found
}

describe.skipIf('problem' in provided && provided.skip)("the server's names", () => {
  it('are read from the server binary', () => {
    expect('problem' in provided ? provided.problem : '').toBe('')
    expect(server?.error_codes.length).toBeGreaterThan(10)
    expect(server?.permissions).toContain('customers.view')
  })

  it('every server error code has a message in both languages', () => {
    const codes = server?.error_codes.map((c) => c.code) ?? []
    expect(codes.filter((code) => !(code in zhCN.errors))).toEqual([])
    expect(codes.filter((code) => !(code in en.errors))).toEqual([])
  })

  it('no message is kept for an error code the server does not have', () => {
    const codes = new Set(server?.error_codes.map((c) => c.code) ?? [])
    const stale = Object.keys(en.errors).filter(
      (key) => !codes.has(key) && !WEB_ONLY_MESSAGES.includes(key),
    )
    expect(stale).toEqual([])
  })

  it('every permission the code names is one the server has', () => {
    const used = permissionsInSource()
    // The scan finds the names it should (a pattern that stopped matching would pass anything).
    expect([...used.keys()]).toEqual(expect.arrayContaining(['customers.view', 'users.manage']))
    const known = new Set(server?.permissions ?? [])
    const unknown = [...used].filter(([name]) => !known.has(name)).map(([n, f]) => `${n} (${f})`)
    expect(unknown).toEqual([])
  })

  it('every server permission has a label in both languages for the role editor', () => {
    // Its own (permissions.<name>), or a kit type's the web shows (records.permission.<action>).
    const labelled = (locale: typeof en, name: string) => {
      const [prefix = '', action = ''] = name.split('.')
      const own = (locale.permissions as Record<string, Record<string, string>>)[prefix]?.[action]
      const kit = RECORD_TYPES.some((t) => t.name === prefix) && action in locale.records.permission
      return !!own || kit
    }
    for (const locale of [en, zhCN]) {
      expect((server?.permissions ?? []).filter((name) => !labelled(locale, name))).toEqual([])
    }
  })

  it('every permission label and record type names a server permission', () => {
    const known = new Set(server?.permissions ?? [])
    const labelled = [...keys(en.permissions), ...keys(zhCN.permissions)]
    expect(labelled.filter((name) => !known.has(name))).toEqual([])
    const records = RECORD_TYPES.flatMap((type) => RECORD_ACTIONS.map((a) => `${type.name}.${a}`))
    expect(records.filter((name) => !known.has(name))).toEqual([])
  })
})
