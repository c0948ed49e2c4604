// The web's copies of the server's names, checked against the server itself (`guanxi codes`, read
// by vitest.server.ts): every error code and field message the server answers has a message in
// both languages, no message is kept for a code the server doesn't have, and every permission the
// web names — in
// the menu, the router, the pages' checks, the role editor's labels and the record types — is one
// the server has.
import { describe, expect, inject, it } from 'vitest'
import en from '@/i18n/locales/en'
import zhCN from '@/i18n/locales/zh-CN'
import { i18n } from '@/i18n'
import { auditSentence } from '@/modules/admin/auditText'
import { permissionGroupLabel } from '@/modules/admin/permissionText'
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

  it('every server field message has a text in both languages, with its parameters', () => {
    const messages = server?.field_messages ?? []
    expect(messages.length).toBeGreaterThan(20)
    const params = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const locale of [zhCN, en]) {
      const texts = locale.fieldErrors as Record<string, string>
      expect(messages.filter((m) => !texts[m.key]).map((m) => m.key)).toEqual([])
      // The UI's text fills the same parameters the server sends.
      const differing = messages.filter(
        (m) => texts[m.key] && params(texts[m.key]!).join() !== params(m.en).join(),
      )
      expect(differing.map((m) => m.key)).toEqual([])
    }
    // No text is kept for a key the server does not have.
    const known = new Set(messages.map((m) => m.key))
    expect(Object.keys(en.fieldErrors).filter((key) => !known.has(key))).toEqual([])
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

  it("every group of the server's permissions has a legend in both languages", () => {
    const prefixes = [...new Set((server?.permissions ?? []).map((p) => p.split('.')[0]!))]
    expect(prefixes).toContain('customers')
    for (const locale of ['zh-CN', 'en'] as const) {
      i18n.global.locale.value = locale
      // A legend that is its own prefix ("customers") is one no text was found for.
      expect(prefixes.filter((prefix) => permissionGroupLabel(prefix) === prefix)).toEqual([])
    }
    i18n.global.locale.value = 'zh-CN'
    expect(permissionGroupLabel('customers')).toBe('客户')
  })

  it('every audit action the server writes reads as a sentence in both languages', () => {
    const actions = server?.audit_actions ?? []
    expect(actions).toEqual(expect.arrayContaining(['auth.login_failed', 'deal.update']))
    for (const locale of ['zh-CN', 'en'] as const) {
      i18n.global.locale.value = locale
      const missing = actions.filter((action) => {
        const entity = action.startsWith('deal.') ? 'customer' : action.split('.')[0]!
        const sentence = auditSentence({
          id: 1,
          at: '2026-12-01T08:00:00Z',
          user_id: 2,
          user_name: '张伟',
          action,
          entity,
          entity_id: 3,
          entity_name: '华为',
          ip: '10.0.0.1',
          details: { username: 'x', rows: 2 },
        })
        return !sentence || sentence.includes('{') || sentence.includes(action)
      })
      expect(missing).toEqual([])
    }
    i18n.global.locale.value = 'zh-CN'
  })

  it('every permission label and record type names a server permission', () => {
    const known = new Set(server?.permissions ?? [])
    const labelled = [...keys(en.permissions), ...keys(zhCN.permissions)]
    expect(labelled.filter((name) => !known.has(name))).toEqual([])
    const records = RECORD_TYPES.flatMap((type) => RECORD_ACTIONS.map((a) => `${type.name}.${a}`))
    expect(records.filter((name) => !known.has(name))).toEqual([])
  })
})
