import type { FieldDef } from '@/api/types'

/** Which query parameters filter a field: one value, or a from/to pair for dates. */
export type FilterParam =
  { kind: 'single'; param: string } | { kind: 'range'; from: string; to: string }

export function filterParamOf(field: FieldDef): FilterParam {
  // A custom field filters by its own name, a date by its day and a list by one item.
  if (field.custom) return { kind: 'single', param: field.name }
  if (field.type === 'datetime' || field.type === 'date') {
    const base = field.name.replace(/_(at|on)$/, '')
    return { kind: 'range', from: `${base}_after`, to: `${base}_before` }
  }
  if (field.type === 'tags') return { kind: 'single', param: field.name.replace(/s$/, '') }
  return { kind: 'single', param: field.name }
}

/** Start of a local calendar day and end of another, as RFC 3339 UTC (for date-range filters). */
export function dayRange(from: Date, to: Date): [string, string] {
  const start = new Date(from.getFullYear(), from.getMonth(), from.getDate(), 0, 0, 0)
  const end = new Date(to.getFullYear(), to.getMonth(), to.getDate(), 23, 59, 59)
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')
  return [iso(start), iso(end)]
}
