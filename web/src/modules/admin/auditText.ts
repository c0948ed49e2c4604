// The audit log in words: one sentence per entry ("张伟 修改了客户「华为」"), and the fields an entry
// changed as "label: before → after". Actions are "<thing>.<verb>": a few have a sentence of their
// own (admin.audit.actions), the others are told by their verb and thing (admin.audit.verbs,
// admin.audit.things), and a record filed under its customer by admin.audit.verbsOnCustomer.
// Every action the server can write has a sentence (tests/server-names.test.ts, from
// `guanxi codes`).
import type { AuditEntry } from '@/api/types'
import { i18n } from '@/i18n'
import { permissionLabel } from './permissionText'

type Translate = {
  t: (key: string, params?: Record<string, unknown>) => string
  te: (key: string) => boolean
}

function translator(): Translate {
  const { t, te } = i18n.global
  return {
    t: (key, params) => t(key, params ?? {}),
    te: (key) => te(key),
  }
}

function detailsOf(entry: AuditEntry): Record<string, unknown> {
  return entry.details && typeof entry.details === 'object'
    ? (entry.details as Record<string, unknown>)
    : {}
}

/** The entry as a sentence in the UI's language; null when no text fits (an unknown action). */
export function auditSentence(entry: AuditEntry, tr: Translate = translator()): string | null {
  const { t, te } = tr
  const details = detailsOf(entry)
  const [thing = '', verb = ''] = entry.action.split('.')
  const user = entry.user_name || t('records.someone')
  const name =
    entry.entity_name ||
    (typeof details.key === 'string' ? details.key : '') || // a custom field, by its key
    (entry.entity_id != null ? `#${entry.entity_id}` : '')
  const params = {
    user,
    name,
    ip: entry.ip || '—',
    username: typeof details.username === 'string' ? details.username : '—',
    rows: typeof details.rows === 'number' ? details.rows : 0,
  }
  if (entry.action === 'auth.login_failed') {
    if (details.reason === 'deactivated') return t('admin.audit.special.loginDeactivated', params)
    if (typeof details.username !== 'string') return t('admin.audit.special.loginUnknown', params)
  }
  const own = `admin.audit.actions.${thing}_${verb}`
  if (te(own)) return t(own, params)
  const thingKey = `admin.audit.things.${thing}`
  if (!te(thingKey)) return null
  const onCustomer = entry.entity === 'customer' && thing !== 'customer'
  const verbKey = `admin.audit.${onCustomer ? 'verbsOnCustomer' : 'verbs'}.${verb}`
  if (!te(verbKey)) return null
  return t(verbKey, { ...params, thing: t(thingKey) })
}

export interface AuditChange {
  field: string
  label: string
  before: string | null
  after: string
}

// The locale section whose fields.<name> labels a thing's fields.
const FIELD_SECTIONS: Record<string, string[]> = {
  customer: ['customers'],
  user: ['admin.users'],
  contact: ['contacts'],
  followup: ['followups'],
  deal: ['deals'],
  prepayment: ['prepayments'],
  mailing: ['mailings'],
  document: ['documents'],
}

// Details that say which record, not what changed.
const NOT_CHANGES = new Set(['version', 'id'])

function show(value: unknown, tr: Translate): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return tr.t(value ? 'common.yes' : 'common.no')
  if (Array.isArray(value)) return value.map((v) => show(v, tr)).join(', ')
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/**
 * The fields an entry changed: a record's {changes: {field: {before, after}}} as before → after;
 * a write that logged its body (customers, users, roles) as the values it set.
 */
export function auditChanges(entry: AuditEntry, tr: Translate = translator()): AuditChange[] {
  const { t, te } = tr
  const details = detailsOf(entry)
  const [thing = '', verb = ''] = entry.action.split('.')
  const label = (field: string): string => {
    // A password is logged as changed, never its text: on a user's update it is "the password"
    // (the users form's label, 初始密码, fits only a new user).
    if (field === 'password' && verb === 'update') return t('admin.audit.password')
    for (const section of FIELD_SECTIONS[thing] ?? []) {
      const key = `${section}.fields.${field}`
      if (te(key)) return t(key)
    }
    const own = `admin.audit.fields.${field}`
    return te(own) ? t(own) : field
  }
  // A role's values in words: its data scope and its permissions' labels.
  const permissions = (list: unknown[]): string =>
    list.map((p) => permissionLabel(String(p))).join(t('admin.audit.listSeparator'))
  const value = (field: string, v: unknown): string => {
    if (v === null || v === undefined) return show(v, tr)
    if (field === 'password') return t('admin.audit.secretChanged')
    if (field === 'data_scope' && te(`roles.options.data_scope.${String(v)}`))
      return t(`roles.options.data_scope.${String(v)}`)
    if (field === 'permissions' && Array.isArray(v)) return permissions(v)
    // An id the body set (owner_id: 5) is shown as one.
    if (field.endsWith('_id') && typeof v === 'number') return `#${v}`
    return show(v, tr)
  }
  const changes = details.changes
  if (changes && typeof changes === 'object') {
    return Object.entries(changes as Record<string, Record<string, unknown>>).map(
      ([field, change]) => {
        // A role's permissions: the ones added and removed ("added A, B; removed C").
        if (Array.isArray(change?.added) || Array.isArray(change?.removed)) {
          const parts = [
            ['permissionsAdded', change.added],
            ['permissionsRemoved', change.removed],
          ]
            .filter(([, list]) => Array.isArray(list) && list.length)
            .map(([key, list]) =>
              t(`admin.audit.${key as string}`, { list: permissions(list as unknown[]) }),
            )
          return {
            field,
            label: label(field),
            before: null,
            after: parts.join(t('admin.audit.partSeparator')),
          }
        }
        return {
          field,
          label: label(field),
          before: value(field, change?.before_name ?? change?.before),
          after: value(field, change?.after_name ?? change?.after),
        }
      },
    )
  }
  if (verb !== 'update' && verb !== 'create') return []
  return Object.entries(details)
    .filter(([field]) => !NOT_CHANGES.has(field))
    .map(([field, v]) => ({
      field,
      label: label(field),
      before: null,
      after: value(field, v),
    }))
}
