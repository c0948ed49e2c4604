import { useI18n } from 'vue-i18n'
import type { FieldDef, RecordChange } from '@/api/types'
import { nameKeyOf, useFieldText } from '@/components/meta/fieldText'

/** One changed field as a person reads it: its label, and its value before and after. */
export interface ChangeLine {
  name: string
  label: string
  before: string
  after: string
}

/**
 * A kit record's changes ({field: {before, after}}, as its history and the audit log keep them) in
 * words: the fields in the metadata's order, labelled, each value as the list shows it (a user by
 * name, an option by its text, a date in the UI's form); a field the metadata no longer has still
 * shows, by its name. The record history drawer and the opportunity page's timeline share it.
 */
export function useRecordChanges(entity: string) {
  const { t } = useI18n()
  const { label, text } = useFieldText(entity)

  function show(value: unknown): string {
    if (value === null || value === undefined || value === '') return t('meta.empty')
    return typeof value === 'string' ? value : JSON.stringify(value)
  }
  function describe(field: FieldDef, change: RecordChange): ChangeLine {
    const value = (
      v: unknown,
      name: RecordChange['before_name'],
      english?: RecordChange['before_name_en'],
    ) =>
      text(field, {
        [field.name]: v,
        [nameKeyOf(field)]: name ?? null,
        ...(field.name_member_en ? { [field.name_member_en]: english ?? null } : {}),
      }) || t('meta.empty')
    return {
      name: field.name,
      label: label(field),
      before: value(change.before, change.before_name, change.before_name_en),
      after: value(change.after, change.after_name, change.after_name_en),
    }
  }
  function changeLines(fields: FieldDef[], changes: Record<string, RecordChange>): ChangeLine[] {
    const out: ChangeLine[] = []
    const known = new Set<string>()
    for (const field of fields) {
      known.add(field.name)
      const change = changes[field.name]
      if (change) out.push(describe(field, change))
    }
    for (const [name, change] of Object.entries(changes)) {
      if (!known.has(name)) {
        out.push({ name, label: name, before: show(change.before), after: show(change.after) })
      }
    }
    return out
  }
  return { changeLines }
}
