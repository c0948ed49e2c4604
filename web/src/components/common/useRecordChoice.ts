// The choice a record picker offers (RecordSelect for one record, RecordsSelect for a set): the
// field's `collection` listed — under the customer of the record being edited when it names one
// (`{id}`), narrowed by the form's values the target type filters by (a stage by its pipeline, a
// need by its opportunity) —, searched on the server by `q` when the type searches, else its first
// 100 records filtered here as the person types. The records already chosen stay among the options
// by the names the record answers, so the select shows them before any list is read.
import { computed, onMounted, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { request } from '@/api/client'
import type { FieldDef, Id, ListParams, Page } from '@/api/types'
import { useRemoteSearch } from '@/composables/useRemoteSearch'
import { useMetadataStore } from '@/stores/metadata'
import { valueAt } from '@/components/meta/customValues'
import {
  dependencies,
  listPath,
  needsCustomer,
  recordLabel,
  searchable,
  type RecordOption,
} from './recordTarget'

/** What a picker is told about its field and form. */
export interface RecordChoiceProps {
  /** The field (its record_type and collection). */
  field: FieldDef
  /** The customer of the record being edited when the form has no customer_id of its own. */
  customerId?: Id | null
  /** The form's values: the customer and the filters that narrow the choice. */
  values?: Record<string, unknown>
  /** The form's fields (which of its values narrow the choice). */
  fields?: readonly FieldDef[]
  placeholder?: string
}

/** A record chosen now, by the name the record being edited answers for it (if any). */
export interface ChosenRecord {
  id: Id
  label?: string | null
}

const PAGE = 20
const ALL = 100

export function useRecordChoice(props: RecordChoiceProps, chosen: () => ChosenRecord[]) {
  const { t, locale } = useI18n()
  const store = useMetadataStore()

  const target = computed(() =>
    props.field.record_type ? store.entities[props.field.record_type] : undefined,
  )
  function loadTarget(): Promise<unknown> {
    const type = props.field.record_type
    // Without its metadata the list is still read, unsearched and unfiltered.
    return type ? store.load(type).catch(() => undefined) : Promise.resolve()
  }

  /** The customer of the record being edited: the form's own, else the one given. */
  const customer = computed<Id | null>(() => {
    const own = props.values?.customer_id
    return typeof own === 'number' ? own : (props.customerId ?? null)
  })
  const path = computed(() => listPath(props.field, customer.value))
  /** Waiting for a customer to list under: nothing to offer yet. */
  const blocked = computed(() => needsCustomer(props.field) && customer.value == null)

  /** The query parameters the form's values give (a stage's pipeline_id=…). */
  const filters = computed<ListParams>(() => {
    const out: ListParams = {}
    for (const name of dependencies(props.field, target.value, props.fields ?? [])) {
      if (name === 'customer_id' && needsCustomer(props.field)) continue
      const value = name === 'customer_id' ? customer.value : valueAt(props.values ?? {}, name)
      if (value !== null && value !== undefined && value !== '') out[name] = String(value)
    }
    return out
  })
  /** What the offered records depend on: another key, another list. */
  const key = computed(() => `${path.value ?? ''}?${JSON.stringify(filters.value)}#${locale.value}`)

  // A type that does not search: its first records read once per key, filtered here.
  let cached: { key: string; items: RecordOption[] } | null = null
  const toOption = (item: Record<string, unknown>): RecordOption => ({
    id: item.id as Id,
    label: recordLabel(item, locale.value),
  })
  async function read(params: ListParams): Promise<RecordOption[]> {
    const at = path.value
    if (!at) return []
    const page = await request<Page<Record<string, unknown>>>(at, {
      params: { ...filters.value, ...params },
    })
    return page.items.map(toOption)
  }

  const { options, loading, failure, search } = useRemoteSearch<RecordOption>(async (query) => {
    await loadTarget()
    if (searchable(props.field, target.value)) {
      return read({ q: query.trim() || undefined, page_size: PAGE })
    }
    const mine = key.value
    if (cached?.key !== mine) cached = { key: mine, items: await read({ page_size: ALL }) }
    const needle = query.trim().toLocaleLowerCase()
    return needle
      ? cached.items.filter((o) => o.label.toLocaleLowerCase().includes(needle))
      : cached.items
  })

  /** The key the whole list (no query) was last read for: opening again reads it only when changed. */
  let readFor: string | null = null
  async function find(query: string): Promise<void> {
    readFor = query.trim() ? null : key.value
    await search(query)
    if (failure.value) readFor = null
  }
  function open(visible: boolean): void {
    if (!visible || blocked.value || readFor === key.value) return
    void find('')
  }

  /** The chosen records as options, named, before any list is read. */
  function ensureCurrent(): void {
    const missing: RecordOption[] = []
    for (const { id, label } of chosen()) {
      // A listed option keeps its own label (a stage's English name); a stand-in gets the name
      // once known.
      const known = options.value.find((o) => o.id === id)
      if (known && (known.label !== `#${id}` || !label)) continue
      missing.push({ id, label: label || `#${id}` })
    }
    if (!missing.length) return
    const ids = new Set(missing.map((o) => o.id))
    options.value = [...missing, ...options.value.filter((o) => !ids.has(o.id))]
  }
  watch(chosen, ensureCurrent)
  // Another customer or filter: another list (read when next opened).
  watch(key, () => {
    readFor = null
    options.value = []
    ensureCurrent()
  })
  onMounted(() => {
    ensureCurrent()
    void loadTarget()
  })

  const placeholder = computed(() =>
    blocked.value ? t('meta.recordNeedsCustomer') : (props.placeholder ?? t('meta.recordSearch')),
  )
  /** What an open list with nothing to offer says. */
  const emptyText = computed(() =>
    loading.value ? t('common.loading') : failure.value || t('common.noData'),
  )

  return { options, loading, failure, blocked, find, open, placeholder, emptyText }
}
