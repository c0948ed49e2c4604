import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'
import type { ListParams, Page } from '@/api/types'
import { errorText } from '@/utils/errors'

export interface ListState {
  page: number
  page_size: number
  sort: string
  q: string
  filters: Record<string, string>
}

export interface UseListOptions {
  defaultSort?: string
  defaultPageSize?: number
  /** Keep page, sort, search and filters in the address, so back and reload keep them. */
  syncRoute?: boolean
  /** Filters that are always sent (for example deleted=true for the recycle bin). */
  fixed?: Record<string, string>
}

const RESERVED = new Set(['page', 'page_size', 'sort', 'q'])
/** Rows per page unless the list says otherwise. */
export const DEFAULT_PAGE_SIZE = 20

/** Paging, sorting, search and filters of one server list, and its loading state. */
export function useList<T>(
  fetch: (params: ListParams) => Promise<Page<T>>,
  options: UseListOptions = {},
) {
  const route = options.syncRoute ? useRoute() : null
  const router = options.syncRoute ? useRouter() : null
  const defaults: ListState = {
    page: 1,
    page_size: options.defaultPageSize ?? DEFAULT_PAGE_SIZE,
    sort: options.defaultSort ?? '',
    q: '',
    filters: {},
  }
  const state = reactive<ListState>({ ...defaults, filters: {} })
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref<string | null>(null)
  let sequence = 0

  function fromQuery(query: LocationQuery): void {
    const one = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? '') : v == null ? '' : String(v))
    state.page = Math.max(1, Number(one(query.page)) || 1)
    state.page_size = Number(one(query.page_size)) || defaults.page_size
    state.sort = one(query.sort) || defaults.sort
    state.q = one(query.q)
    const filters: Record<string, string> = {}
    for (const [key, value] of Object.entries(query)) {
      if (!RESERVED.has(key) && one(value)) filters[key] = one(value)
    }
    state.filters = filters
  }

  function toQuery(): Record<string, string> {
    const query: Record<string, string> = {}
    if (state.page !== 1) query.page = String(state.page)
    if (state.page_size !== defaults.page_size) query.page_size = String(state.page_size)
    if (state.sort && state.sort !== defaults.sort) query.sort = state.sort
    if (state.q) query.q = state.q
    for (const [key, value] of Object.entries(state.filters)) if (value) query[key] = value
    return query
  }

  const params = computed<ListParams>(() => ({
    page: state.page,
    page_size: state.page_size,
    sort: state.sort || undefined,
    q: state.q.trim() || undefined,
    ...state.filters,
    ...options.fixed,
  }))

  /** Loads the page the state selects. */
  function load(): Promise<void> {
    return loadFrom(() => fetch(params.value))
  }

  /** Shows what `ask` answers for the state's page (e.g. a request sent already, fetched ahead). */
  async function loadFrom(ask: () => Promise<Page<T>>): Promise<void> {
    const mine = ++sequence
    loading.value = true
    error.value = null
    try {
      const page = await ask()
      if (mine !== sequence) return
      items.value = page.items
      total.value = page.total
    } catch (cause) {
      if (mine !== sequence) return
      error.value = errorText(cause)
      items.value = []
      total.value = 0
    } finally {
      if (mine === sequence) loading.value = false
    }
  }

  /** Shows a page already at hand (fetched ahead for this state) without asking again. */
  function show(page: Page<T>): void {
    ++sequence
    loading.value = false
    error.value = null
    items.value = page.items
    total.value = page.total
  }

  /** Apply a change of state: back to page 1 unless only the page changed. */
  function update(change: Partial<ListState>): void {
    const keepPage = Object.keys(change).every((k) => k === 'page')
    Object.assign(state, change)
    if (!keepPage) state.page = 1
    if (router && route) {
      void router.replace({ query: toQuery() })
    } else {
      void load()
    }
  }

  function setFilters(filters: Record<string, string>): void {
    update({ filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')) })
  }

  if (route) {
    const own = route.name
    fromQuery(route.query)
    watch(
      () => route.query,
      (query) => {
        // Leaving the page changes the query too; only this list's own address counts.
        if (route.name !== own) return
        fromQuery(query)
        void load()
      },
    )
  }

  return { state, items, total, loading, error, params, load, loadFrom, show, update, setFilters }
}
