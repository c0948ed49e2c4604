import { inject, provide, type InjectionKey } from 'vue'
import { useI18n } from 'vue-i18n'
import type { FieldDef } from '@/api/types'
import { userName } from '@/components/common/userNames'
import { useDepartments, useRoles } from '@/composables/useLookups'
import { formatDate, formatDateTime, formatMoney } from '@/utils/format'
import { valueAt } from './customValues'

/**
 * The related name the server sends beside an id field: the metadata's `name_member`, else by the
 * field's name (owner_id → owner_name).
 */
export function nameKeyOf(field: FieldDef): string {
  if (field.name_member) return field.name_member
  return field.name.endsWith('_id') ? `${field.name.slice(0, -3)}_name` : `${field.name}_name`
}

/** A field naming a record of another type (stage_id, customer_id, …): shown by its name. */
export const namesRecord = (field: FieldDef) => !!field.record_type || !!field.name_member

/** Labels and display text of metadata-described fields, in the current language. */
export function useFieldText(entity: string) {
  const { t, te, locale } = useI18n()
  const departments = useDepartments()
  const roles = useRoles()

  function label(field: FieldDef): string {
    // The server's own label in this language (record kit types), else the label_key's text.
    const own = field.label?.[locale.value]
    if (own) return own
    if (field.label_key && te(field.label_key)) return t(field.label_key)
    const fallback = `${entity}.fields.${field.name}`
    return te(fallback) ? t(fallback) : field.name
  }

  function option(field: FieldDef, value: unknown): string {
    if (value === null || value === undefined || value === '') return ''
    const key = `${entity}.options.${field.name}.${String(value)}`
    return te(key) ? t(key) : String(value)
  }

  /** Plain text of a value (cards, descriptions, titles). */
  function text(field: FieldDef, record: Record<string, unknown>): string {
    const value = valueAt(record, field.name)
    if (field.type === 'records') {
      // A set of records, by the names the server answers beside the ids in the same order
      // (#id: none, e.g. deleted), listed as the language lists ("A, B"; "甲、乙").
      if (!Array.isArray(value)) return ''
      const names = record[nameKeyOf(field)]
      return value
        .map((id, i) => {
          const name = Array.isArray(names) ? names[i] : null
          return typeof name === 'string' && name ? name : `#${String(id)}`
        })
        .join(t('meta.listSeparator'))
    }
    if (namesRecord(field) && !['user', 'department', 'role'].includes(field.type)) {
      // Another record, by the name the server answers beside the id (#id: none, e.g. deleted);
      // in English its English name when it has one (a stage's, a pipeline's).
      const english = locale.value === 'en' && field.name_member_en
      const name = (english && record[field.name_member_en!]) || record[nameKeyOf(field)]
      if (typeof name === 'string' && name) return name
      return value == null || value === '' ? '' : `#${String(value)}`
    }
    switch (field.type) {
      case 'enum':
        return option(field, value)
      case 'user':
      case 'department':
      case 'role': {
        const name = record[nameKeyOf(field)]
        if (typeof name === 'string' && name) return name
        if (value == null) return ''
        // Lists that send only the id: use the names already loaded for the selects.
        if (field.type === 'department') return departments.nameOf(value as number)
        if (field.type === 'role') return roles.nameOf(value as number)
        return `#${String(value)}`
      }
      case 'users':
        return Array.isArray(value) ? value.map((id) => userName(Number(id))).join(', ') : ''
      case 'tags':
      case 'string_list':
        return Array.isArray(value) ? value.join(', ') : ''
      case 'datetime':
        return formatDateTime(value as string | null, locale.value)
      case 'date':
        return formatDate(value as string | null, locale.value)
      case 'money':
        return formatMoney(value as string | null, locale.value)
      case 'boolean':
        return value === true ? t('common.yes') : value === false ? t('common.no') : ''
      case 'object':
        return value && typeof value === 'object' && Object.keys(value).length
          ? JSON.stringify(value)
          : ''
      default:
        return value === null || value === undefined ? '' : String(value)
    }
  }

  return { label, option, text }
}

type FieldText = ReturnType<typeof useFieldText>
const SHARED: InjectionKey<{ entity: string; fieldText: FieldText }> = Symbol('fieldText')

/**
 * useFieldText for a list, shared with every value below it (MetaValue takes it): one per list
 * rather than one per cell, which a table of 20 rows pays for 100+ times on first paint.
 */
export function provideFieldText(entity: string): FieldText {
  const fieldText = useFieldText(entity)
  provide(SHARED, { entity, fieldText })
  return fieldText
}

/** The field text a list above provides for this entity, else one of its own. */
export function sharedFieldText(entity: string): FieldText {
  const shared = inject(SHARED, null)
  return shared?.entity === entity ? shared.fieldText : useFieldText(entity)
}
