import { computed, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { customersApi } from '@/api/customers'
import { toQuery } from '@/api/client'
import type { Customer, ExportFormat, Id, ListParams, Page } from '@/api/types'
import { useEntityMeta } from '@/composables/useEntityMeta'
import { DEFAULT_PAGE_SIZE, useList, type UseListOptions } from '@/composables/useList'
import { useSessionStore } from '@/stores/session'
import { useSettingsStore } from '@/stores/settings'
import { saveBlob } from '@/utils/download'
import { toRfc3339 } from '@/utils/format'

const COLUMNS_KEY = 'customers.list.columns'
const SORT_KEY = 'customers.list.sort'

/** What a salesperson acts on first: the soonest next contact (overdue first, none last). */
export const DEFAULT_SORT = 'next_contact_at'
/**
 * The columns shown until the user chooses: what a salesperson needs for the day's work, and no
 * more than fit beside the actions at 1440 px without a sideways scroll (the column chooser adds
 * industry, region, tags, …).
 */
export const DEFAULT_COLUMNS = [
  'name',
  'category',
  'owner_id',
  'phone',
  'next_contact_at',
  'last_contact_at',
]

/** The address's `due=today`: customers whose next contact is today or overdue. */
export const DUE_PARAM = 'due'
export const DUE_TODAY = 'today'

/** Start of the next local day: a next contact before it is due today or overdue. */
export function endOfToday(now: Date = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1)
}

/**
 * The list's parameters as the server takes them: `due=today` (kept in the address so a bookmark
 * means "today" tomorrow too) becomes next_contact_before the end of the local day.
 */
export function serverParams(params: ListParams, now: Date = new Date()): ListParams {
  if (params[DUE_PARAM] !== DUE_TODAY) return params
  const { [DUE_PARAM]: _due, ...rest } = params
  return { ...rest, next_contact_before: toRfc3339(endOfToday(now)) }
}

/** Whether a next contact is past (overdue), later today, or later than today. */
export type ContactDue = 'overdue' | 'today' | 'later' | 'none'
export function contactDue(value: string | null | undefined, now: Date = new Date()): ContactDue {
  if (!value) return 'none'
  const at = new Date(value).getTime()
  if (Number.isNaN(at)) return 'none'
  if (at < now.getTime()) return 'overdue'
  return at < endOfToday(now).getTime() ? 'today' : 'later'
}

/**
 * The first page of the list asked for before its page exists — at sign-in, beside the fields,
 * while the page's code and the shell are set up — and taken (once, soon after) by the page that
 * asks for the same rows: the page is built with its rows rather than empty and then again.
 */
interface Ahead {
  /** Whose page it is: never another user's, signed in after on the same browser. */
  user: Id | undefined
  query: string
  at: number
  page: Promise<Page<Customer>>
  value?: Page<Customer>
  /** Resolved once answered (or failed). */
  settled: Promise<void>
}
let ahead: Ahead | null = null
const AHEAD_KEPT_MS = 10_000

/**
 * Asks for the page a signed-in user's list opens on (no address parameters: page 1, the
 * remembered sort) — when the settings are at hand; resolves once answered, never rejects.
 */
export function fetchFirstPageAhead(): Promise<void> {
  const settings = useSettingsStore()
  if (!settings.loaded) return Promise.resolve() // (asked for beside /me; the sort may differ)
  const params = {
    page: 1,
    page_size: DEFAULT_PAGE_SIZE,
    sort: settings.get<string>(SORT_KEY, DEFAULT_SORT) || DEFAULT_SORT,
  }
  const page = customersApi.list(serverParams(params))
  const entry: Ahead = {
    user: useSessionStore().user?.id,
    query: toQuery(serverParams(params)),
    at: Date.now(),
    page,
    settled: page.then(
      (value) => {
        entry.value = value
      },
      () => {
        if (ahead === entry) ahead = null // the page asks again and shows the error
      },
    ),
  }
  ahead = entry
  return entry.settled
}

/**
 * Waits for a first page fetched ahead, if one is on its way (the route waits, so the page is
 * built once, with its rows, rather than empty and again when they come: a few ms at sign-in).
 */
export function firstPageAhead(): Promise<void> | undefined {
  return ahead?.settled
}

/** The page fetched ahead for these parameters, if any (once; dropped when old or not yours). */
function takeAhead(params: ListParams): Ahead | null {
  const entry = ahead
  if (!entry) return null
  if (Date.now() - entry.at > AHEAD_KEPT_MS || entry.user !== useSessionStore().user?.id) {
    ahead = null
    return null
  }
  if (entry.query !== toQuery(serverParams(params))) return null
  ahead = null
  return entry
}

/**
 * The customer list: paging, search, filters (with "due today"), a remembered sort and columns,
 * selection and the export of what it shows.
 */
export function useCustomers(options: UseListOptions = {}) {
  const { t, locale } = useI18n()
  const meta = useEntityMeta('customers')
  const settings = useSettingsStore()
  const session = useSessionStore()
  const list = useList<Customer>(
    (params: ListParams) => takeAhead(params)?.page ?? customersApi.list(serverParams(params)),
    {
      syncRoute: true,
      defaultSort: DEFAULT_SORT,
      ...options,
    },
  )
  const selected = shallowRef<Customer[]>([])

  /** Columns shown: the user's remembered choice, else the day's-work defaults the metadata has. */
  const columns = computed<string[]>(() => {
    const known = new Set(meta.fields.value.map((f) => f.name))
    const saved = settings.get<string[] | null>(COLUMNS_KEY, null)
    const chosen = Array.isArray(saved) ? saved.filter((n) => known.has(n)) : []
    if (chosen.length) return chosen
    const defaults = DEFAULT_COLUMNS.filter((n) => known.has(n))
    return defaults.length ? defaults : meta.fields.value.filter((f) => f.list).map((f) => f.name)
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

  /**
   * The user's choice of sort applies now and is remembered for the next visit; no choice (a
   * header clicked a third time) is the default again, not the server's order.
   */
  function setSort(sort: string): void {
    const chosen = sort || DEFAULT_SORT
    list.update({ sort: chosen })
    void settings.set(SORT_KEY, chosen).catch(() => {})
  }

  const dueToday = computed(() => list.state.filters[DUE_PARAM] === DUE_TODAY)
  /** Shows only the customers due today or overdue, or everyone again. */
  function setDueToday(on: boolean): void {
    const { [DUE_PARAM]: _due, next_contact_before: _before, ...rest } = list.state.filters
    list.setFilters(on ? { ...rest, [DUE_PARAM]: DUE_TODAY } : rest)
  }

  const canExport = computed(() => session.can('customers.export'))
  const exporting = ref(false)
  /** Every customer the list selects (all pages), as a file headed in the user's language. */
  async function exportList(format: ExportFormat): Promise<void> {
    exporting.value = true
    try {
      const blob = await customersApi.export(serverParams(list.params.value), format, locale.value)
      const now = new Date()
      const day = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
        .map((n) => String(n).padStart(2, '0'))
        .join('-')
      saveBlob(blob, `${t('customers.title')}-${day}.${format}`)
    } finally {
      exporting.value = false
    }
  }

  /** A sort remembered from an earlier visit, unless the address asks for one. */
  function rememberedSort(): string | null {
    const saved = settings.get<string>(SORT_KEY, DEFAULT_SORT)
    return list.state.sort === DEFAULT_SORT && saved && saved !== DEFAULT_SORT ? saved : null
  }

  async function start(): Promise<void> {
    // The settings are usually in memory already (asked for beside /me at sign-in). When they are
    // not, the page is asked for beside them and the fields, and again only if they remember
    // another sort.
    const known = settings.loaded ? rememberedSort() : null
    if (known) list.update({ sort: known }) // loads the page itself
    // A page fetched ahead and answered already is shown at once, in the page's first render.
    const early = known ? null : takeAhead(list.params.value)
    let rows = Promise.resolve()
    if (early?.value) list.show(early.value)
    else if (early) rows = list.loadFrom(() => early.page)
    else if (!known) rows = list.load()
    await Promise.all([meta.load(), settings.load(), rows])
    const later = known ? null : rememberedSort()
    if (later) list.update({ sort: later })
  }

  return {
    meta,
    ...list,
    selected,
    columns,
    setColumns,
    setSort,
    dueToday,
    setDueToday,
    canExport,
    exporting,
    exportList,
    start,
  }
}

export async function transferCustomers(ids: Id[], owner_id: Id, reason?: string): Promise<number> {
  return (await customersApi.transfer(ids, owner_id, reason)).transferred
}
