// What a field naming another record (stage_id, customer_id, contact_id, …) needs to offer a
// choice: where that type's records are listed, whether the list searches by `q`, which of the
// form's values narrow it (a stage's pipeline, a contact's customer), and each record's name.
import { API_BASE } from '@/api/client'
import type { EntityMeta, FieldDef, Id } from '@/api/types'

/** One record offered: its id and the text a person knows it by. */
export interface RecordOption {
  id: Id
  label: string
}

/**
 * A record's name as a picker shows it: its name (in English its `name_en` when it has one, as
 * stages and pipelines do), title, number or file name (else `#id`).
 */
export function recordLabel(item: Record<string, unknown>, locale = ''): string {
  const english = item.name_en
  if (locale.startsWith('en') && typeof english === 'string' && english.trim()) return english
  for (const member of ['name', 'title', 'number', 'file_name']) {
    const value = item[member]
    if (typeof value === 'string' && value.trim()) return value
    if (typeof value === 'number') return String(value)
  }
  return `#${String(item.id)}`
}

/** Whether the target's list searches by `?q=` (customers' does; a kit type's when it declares search fields). */
export function searchable(field: FieldDef, target: EntityMeta | undefined): boolean {
  if (field.record_type === 'customers') return true
  return !!target?.fields.some((f) => f.search)
}

/** Whether the field's list lives under the customer of the record being edited (`{id}`). */
export const needsCustomer = (field: FieldDef) => !!field.collection?.includes('{id}')

/**
 * The form's values the field's choice depends on: `customer_id` when its list lives under the
 * customer, and each filter of the target type that the form also sets as a record (a stage's
 * `pipeline_id`; `customer_id`, the record's customer). When one changes the choice is cleared.
 */
export function dependencies(
  field: FieldDef,
  target: EntityMeta | undefined,
  formFields: readonly FieldDef[],
): string[] {
  const out = new Set<string>()
  if (needsCustomer(field)) out.add('customer_id')
  for (const filter of target?.fields ?? []) {
    if (!filter.filter || filter.name === field.name) continue
    const own = formFields.find((f) => f.name === filter.name)
    if (filter.name === 'customer_id' || (own && own.record_type)) out.add(filter.name)
  }
  return [...out]
}

/** The path for `request` (relative to API_BASE) of a list pattern, `{id}` the customer. */
export function listPath(field: FieldDef, customerId: Id | null | undefined): string | null {
  const pattern = field.collection
  if (!pattern) return null
  const local = pattern.startsWith(API_BASE) ? pattern.slice(API_BASE.length) : pattern
  if (!local.includes('{id}')) return local
  if (customerId == null) return null
  return local.replace('{id}', encodeURIComponent(String(customerId)))
}
