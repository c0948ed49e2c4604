// A record kit type not under a customer (own_scope / admin_only): its page at /records/<name>
// shows the generic panel with no customer, every call at the type's own collection; any other
// name, or a type the user may not view, is "not found".
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router'
import type { EntityMeta, KitRecord, Me } from '@/api/types'
import { i18n } from '@/i18n'
import {
  customerRecordTypes,
  pageRecordType,
  RECORD_TYPES,
  type RecordTypeView,
} from '@/modules/records/types'
import { routes } from '@/router'
import { useSessionStore } from '@/stores/session'
import { fakeFetch, flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

// A top-level type as a future module would declare it (the web has none of its own yet).
const EXPENSES: RecordTypeView = {
  name: 'expenses',
  place: 'page',
  titleKey: 'records.recycleBin', // any key both languages have; the metadata's label wins
  titleField: 'title',
  defaultSort: '-spent_on',
}
beforeAll(() => {
  ;(RECORD_TYPES as RecordTypeView[]).push(EXPENSES)
})
afterAll(() => {
  ;(RECORD_TYPES as RecordTypeView[]).pop()
})

const META: EntityMeta = {
  entity: 'expenses',
  label: { 'zh-CN': '报销', en: 'Expense' },
  collection: '/api/v1/expenses',
  visibility: 'own_scope',
  fields: [
    {
      name: 'title',
      type: 'string',
      required: true,
      label_key: 'expenses.fields.title',
      label: { 'zh-CN': '事由', en: 'Purpose' },
      list: true,
      sort: true,
      search: true,
    },
    {
      name: 'spent_on',
      type: 'date',
      required: true,
      label_key: 'expenses.fields.spent_on',
      label: { 'zh-CN': '日期', en: 'Date' },
      list: true,
      sort: true,
    },
  ],
}
const PATH = '/api/v1/expenses'
const ALL = ['view', 'create', 'edit', 'delete', 'export'].map((a) => `expenses.${a}`)

function expense(id: number, title: string): KitRecord {
  return {
    id,
    title,
    spent_on: '2026-12-01',
    owner_id: 1,
    version: 1,
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-01T08:00:00Z',
  }
}

function fakeServer(meta: EntityMeta = META) {
  let rows = [expense(1, '客户拜访交通费')]
  const deleted: KitRecord[] = []
  const fake = fakeFetch({
    'GET /api/v1/meta/expenses': () => [200, meta],
    'GET /api/v1/meta/mailings': () => [
      200,
      { ...meta, collection: '/api/v1/customers/{id}/mailings', visibility: 'through_customer' },
    ],
    [`GET ${PATH}`]: (_body, url) => {
      const items = url.searchParams.get('deleted') === 'true' ? deleted : rows
      return [200, { items, total: items.length, page: 1, page_size: 10 }]
    },
    [`POST ${PATH}`]: (body) => {
      const row = { ...expense(2, ''), ...(body as Record<string, unknown>) }
      rows = [row, ...rows]
      return [201, row]
    },
    [`DELETE ${PATH}/1`]: () => {
      deleted.push(...rows.filter((r) => r.id === 1))
      rows = rows.filter((r) => r.id !== 1)
      return [204]
    },
    [`POST ${PATH}/1/restore`]: () => {
      rows = [...deleted.splice(0, 1), ...rows]
      return [200, rows[0]]
    },
    [`GET ${PATH}/1/history`]: () => [200, { items: [], total: 0, page: 1, page_size: 20 }],
    [`GET ${PATH}/export`]: () => [200, 'a\r\n'],
  })
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

/** The app's /records/:type route (its props and title guard) on a router of its own. */
function recordsRouter() {
  const shell = routes.find((r) => r.path === '/')!
  const page = shell.children!.find((r) => r.name === 'records')!
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { ...page, path: `/${page.path}` } as RouteRecordRaw,
      { path: '/:rest(.*)*', component: { template: '<p>elsewhere</p>' } },
    ],
  })
  return router
}

let unmount: (() => void) | null = null
afterEach(() => {
  unmount?.()
  unmount = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  i18n.global.locale.value = 'zh-CN'
})

async function open(path: string, permissions: string[] = ALL) {
  const router = recordsRouter()
  const wrapper = mountApp(
    { template: '<router-view />' },
    { attachTo: document.body, global: { plugins: [router] } },
  )
  useSessionStore().user = { id: 1, username: 'u', permissions } as unknown as Me
  await router.push(path)
  await settle()
  unmount = () => wrapper.unmount()
  return { wrapper, router }
}

const byTestId = (id: string) =>
  [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)].filter(
    (el) => !el.closest('[style*="display: none"], .hidden-columns'),
  )
const click = async (el: HTMLElement | undefined) => {
  expect(el, 'the control exists').toBeTruthy()
  el!.click()
  await settle()
}
const notFound = () => document.body.textContent?.includes(i18n.global.t('common.notFound'))

describe('a record type not under a customer', () => {
  it('is a page of its own, never a tab of the customer page', () => {
    expect(pageRecordType('expenses')).toBe(EXPENSES)
    expect(customerRecordTypes()).not.toContain(EXPENSES)
    expect(pageRecordType('mailings')).toBeUndefined()
  })

  it('lists, deletes with an undo and shows history at /api/v1/<name>, with no customer', async () => {
    const fake = fakeServer()
    const { router } = await open('/records/expenses')
    expect(document.querySelector('h1')?.textContent).toBe('报销')
    expect(router.currentRoute.value.meta.title).toBe(EXPENSES.titleKey)
    expect(byTestId('record-page-expenses')).toHaveLength(1)
    expect(document.body.textContent).toContain('客户拜访交通费')
    const list = fake.calls.find((c) => c.method === 'GET' && c.url.pathname === PATH)!
    expect(list.url.searchParams.get('sort')).toBe('-spent_on')

    await click(byTestId('record-delete')[0])
    expect(document.body.textContent).not.toContain('客户拜访交通费')
    await click(byTestId('record-undo')[0])
    expect(fake.calls.some((c) => c.url.pathname === `${PATH}/1/restore`)).toBe(true)
    expect(document.body.textContent).toContain('客户拜访交通费')

    await click(byTestId('record-history')[0])
    expect(fake.calls.some((c) => c.url.pathname === `${PATH}/1/history`)).toBe(true)

    await click(byTestId('record-bin')[0])
    expect(fake.calls.some((c) => c.url.searchParams.get('deleted') === 'true')).toBe(true)
    // Nothing was asked of a customer's routes.
    expect(fake.calls.filter((c) => c.url.pathname.includes('/customers'))).toEqual([])
  })

  it('exports all the user sees, the file named after the type alone', async () => {
    const fake = fakeServer()
    const { createObjectURL, revokeObjectURL } = URL
    URL.createObjectURL = () => 'blob:export'
    URL.revokeObjectURL = () => undefined
    const saved: string[] = []
    const anchor = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push(this.download)
    })
    onTestFinished(() => {
      Object.assign(URL, { createObjectURL, revokeObjectURL })
      anchor.mockRestore()
    })
    i18n.global.locale.value = 'en'
    await open('/records/expenses')
    document.querySelector<HTMLElement>('[data-testid="record-export"] .el-button')!.click()
    await settle()
    await click(byTestId('record-export-csv')[0])
    const exported = fake.calls.find((c) => c.url.pathname === `${PATH}/export`)
    expect(exported?.url.searchParams.get('format')).toBe('csv')
    expect(saved).toEqual(['Expense.csv'])
  })

  it('is not found for a customer tab, an unknown name, or without <name>.view', async () => {
    let fake = fakeServer()
    await open('/records/mailings')
    expect(notFound()).toBe(true)
    expect(fake.calls.filter((c) => !c.url.pathname.startsWith('/api/v1/meta/'))).toEqual([])
    unmount?.()

    fake = fakeServer()
    await open('/records/nope')
    expect(notFound()).toBe(true)
    unmount?.()

    fake = fakeServer()
    await open('/records/expenses', ['customers.view'])
    expect(notFound()).toBe(true)
    expect(fake.calls).toEqual([])
  })

  it('is not found when the server says the type lives under a customer', async () => {
    const fake = fakeServer({
      ...META,
      collection: '/api/v1/customers/{id}/expenses',
      visibility: 'through_customer',
    })
    await open('/records/expenses')
    expect(notFound()).toBe(true)
    expect(fake.calls.filter((c) => c.url.pathname.startsWith(PATH))).toEqual([])
  })
})
