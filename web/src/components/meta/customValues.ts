// Custom fields (/api/v1/custom-fields) come in the meta named "custom.<key>", as the server's
// errors, filters and sorts name them; their values live under the record's `custom` object.
// These helpers read and write a field's value by that name, so the generic list, detail and form
// treat built-in and custom fields alike.

const PREFIX = 'custom.'

/** The key of a custom field's name ("custom.budget" → "budget"), or null for a built-in field. */
export function customKey(name: string): string | null {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : null
}

function customOf(record: Record<string, unknown>): Record<string, unknown> {
  const custom = record.custom
  return custom && typeof custom === 'object' && !Array.isArray(custom)
    ? (custom as Record<string, unknown>)
    : {}
}

/** The value of the field `name` in `record` (under `custom` for a custom field). */
export function valueAt(record: Record<string, unknown>, name: string): unknown {
  const key = customKey(name)
  return key === null ? record[name] : customOf(record)[key]
}

/** `record` with the field `name` set to `value` (a new object; `custom` copied too). */
export function withValueAt(
  record: Record<string, unknown>,
  name: string,
  value: unknown,
): Record<string, unknown> {
  const key = customKey(name)
  if (key === null) return { ...record, [name]: value }
  return { ...record, custom: { ...customOf(record), [key]: value } }
}

/**
 * A request body from a form: for a new record the filled fields, for an edit (`before` given) only
 * those that changed (a cleared one as null). Custom fields go under `custom`, which the server
 * merges key by key.
 */
export function bodyFrom(
  names: string[],
  model: Record<string, unknown>,
  before?: Record<string, unknown> | null,
): Record<string, unknown> {
  let body: Record<string, unknown> = {}
  for (const name of names) {
    let value = valueAt(model, name)
    if (value === undefined) continue
    if (value === '') value = null
    if (before) {
      const old = valueAt(before, name) ?? null
      if (JSON.stringify(old) === JSON.stringify(value)) continue
    } else if (value === null || (Array.isArray(value) && !value.length)) {
      continue
    }
    body = withValueAt(body, name, value)
  }
  return body
}
