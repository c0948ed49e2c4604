import { computed, ref, shallowRef } from 'vue'
import { customersApi } from '@/api/customers'
import type { Customer, Id, ListParams } from '@/api/types'
import { useEntityMeta } from '@/composables/useEntityMeta'
import { useList, type UseListOptions } from '@/composables/useList'
import { useSettingsStore } from '@/stores/settings'

const COLUMNS_KEY = 'customers.list.columns'

/** The customer list: paging, search, filters, remembered columns and selection. */
export function useCustomers(options: UseListOptions = {}) {
  const meta = useEntityMeta('customers')
  const settings = useSettingsStore()
  const list = useList<Customer>((params: ListParams) => customersApi.list(params), {
    syncRoute: true,
    defaultSort: '-updated_at',
    ...options,
  })
  const selected = shallowRef<Customer[]>([])

  /** Columns shown: the user's remembered choice, else the fields the metadata lists by default. */
  const columns = computed<string[]>(() => {
    const known = new Set(meta.fields.value.map((f) => f.name))
    const saved = settings.get<string[] | null>(COLUMNS_KEY, null)
    const chosen = Array.isArray(saved) ? saved.filter((n) => known.has(n)) : []
    return chosen.length ? chosen : meta.fields.value.filter((f) => f.list).map((f) => f.name)
  })
  const columnsSaving = ref(false)
  async function setColumns(names: string[]): Promise<void> {
    columnsSaving.value = true
    try {
      await settings.set(COLUMNS_KEY, names)
    } finally {
      columnsSaving.value = false
    }
  }

  async function start(): Promise<void> {
    // The page does not depend on the fields or the settings: all three are asked for at once.
    await Promise.all([meta.load(), settings.load(), list.load()])
  }

  return { meta, ...list, selected, columns, setColumns, start }
}

export async function transferCustomers(ids: Id[], owner_id: Id, reason?: string): Promise<number> {
  return (await customersApi.transfer(ids, owner_id, reason)).transferred
}
