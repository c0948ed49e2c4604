// The customer list as a salesperson meets it (#14): the day's work first (next contact soonest,
// overdue marked in words, "due today" one click away), the sort chosen kept, an export button for
// those allowed, a dense phone card with one tap to call, and no router warning per table render.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { EntityMeta, FieldDef, Me } from '@/api/types'
import { useIsPhone } from '@/composables/useBreakpoint'
import { i18n } from '@/i18n'
import CustomerListPage from '@/modules/customers/CustomerListPage.vue'
import { contactDue, endOfToday, serverParams } from '@/modules/customers/useCustomers'
import { useSessionStore } from '@/stores/session'
import { toRfc3339 } from '@/utils/format'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 10; i++) await flush()
}

const field = (name: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  label_key: `customers.fields.${name}`,
  ...extra,
})
// The server's customer fields, in its order, with its list flags.
const META: EntityMeta = {
  entity: 'customers',
  fields: [
    field('name', 'string', { list: true, sort: true, required: true }),
    field('category', 'enum', {
      list: true,
      filter: true,
      sort: true,
      options: ['core', 'potential', 'interested'],
    }),
    field('owner_id', 'user', { list: true, filter: true }),
    field('department_id', 'department', { filter: true }),
    field('industry', 'string', { list: true, filter: true, sort: true }),
    field('region', 'string', { list: true, filter: true, sort: true }),
    field('phone', 'phone', { list: true }),
    field('tags', 'tags', { list: true, filter: true }),
    field('last_contact_at', 'datetime', { list: true, sort: true, readonly: true }),
    field('next_contact_at', 'datetime', { list: true, filter: true, sort: true }),
    field('updated_at', 'datetime', { sort: true, readonly: true }),
  ],
}

const HOUR = 3600 * 1000
const at = (offset: number) => toRfc3339(new Date(Date.now() + offset))!
// Overdue, later today (when today has an hour left), next week, none.
const laterToday = () => {
  const end = endOfToday().getTime()
  return end - Date.now() > 2 * 60 * 1000 ? at((end - Date.now()) / 2) : null
}
function customers() {
  return [
    {
      id: 1,
      name: '杭州星辰科技有限公司',
      category: 'core',
      owner_id: 5,
      owner_name: '张伟',
      phone: '13800000001',
      next_contact_at: at(-26 * HOUR),
      last_contact_at: at(-50 * HOUR),
    },
    {
      id: 2,
      name: '上海明月贸易有限公司',
      category: 'interested',
      owner_id: 5,
      owner_name: '张伟',
      phone: null,
      next_contact_at: laterToday(),
      last_contact_at: null,
    },
    {
      id: 3,
      name: '苏州远山机械有限公司',
      category: 'potential',
      owner_id: 5,
      owner_name: '张伟',
      phone: '0512-6666 8888',
      next_contact_at: at(7 * 24 * HOUR),
      last_contact_at: null,
    },
    {
      id: 4,
      name: '南京青禾农业有限公司',
      category: 'potential',
      owner_id: 5,
      owner_name: '张伟',
      phone: '13900000004',
      next_contact_at: null,
      last_contact_at: null,
    },
  ]
}

function fakeServer(settings: Record<string, unknown> = {}, exportAnswer?: Promise<Response>) {
  const fake = fakeFetch({
    'GET /api/v1/meta/customers': () => [200, META],
    'GET /api/v1/me/settings': () => [200, settings],
    'PUT /api/v1/me/settings/customers.list.sort': () => [204],
    'GET /api/v1/customers': () => {
      const items = customers()
      return [200, { items, total: items.length, page: 1, page_size: 20 }]
    },
    'GET /api/v1/customers/export': () => [200, 'name\r\n'],
  })
  const fn = async (input: string, init: RequestInit = {}) =>
    exportAnswer && String(input).includes('/customers/export')
      ? (fake.fn(input, init), exportAnswer)
      : fake.fn(input, init)
  vi.stubGlobal('fetch', fn)
  return fake
}

let unmount: (() => void) | null = null
afterEach(() => {
  unmount?.()
  unmount = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  useIsPhone().value = false
  i18n.global.locale.value = 'zh-CN'
})

const USER = ['customers.view', 'customers.create', 'customers.edit', 'customers.transfer']

async function open(permissions: string[] = USER, path = '/customers') {
  const stub = { render: () => h('p', 'elsewhere') }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/customers', name: 'customers', component: CustomerListPage },
      { path: '/customers/new', name: 'customer-new', component: stub },
      { path: '/customers/:id', name: 'customer', component: stub },
      { path: '/customers/:id/edit', name: 'customer-edit', component: stub },
    ],
  })
  await router.push(path)
  const wrapper = mountApp(
    { template: '<router-view />' },
    { attachTo: document.body, global: { plugins: [router] } },
  )
  useSessionStore().user = { id: 5, username: 'zhang.wei', permissions } as unknown as Me
  await settle()
  await waitFor(() =>
    document.querySelector(
      '.meta-list[aria-busy="false"] [data-id], .meta-list[aria-busy="false"] .el-table__row',
    ),
  )
  await settle()
  unmount = () => wrapper.unmount()
  return { wrapper, router }
}

const listCalls = (fake: ReturnType<typeof fakeFetch>) =>
  fake.calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/v1/customers')
const headers = () =>
  [...document.querySelectorAll('.el-table__header th .cell')].map((c) => c.textContent?.trim())
const byTestId = (id: string) => [
  ...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`),
]

describe('the customer list defaults to the day’s work', () => {
  it('sorts by the next contact and shows the usual columns, in both languages', async () => {
    const fake = fakeServer()
    await open()
    expect(listCalls(fake)[0]!.url.searchParams.get('sort')).toBe('next_contact_at')
    expect(headers()).toEqual([
      '',
      '客户名称',
      '客户类别',
      '负责人',
      '电话',
      '下次联系',
      '最近联系',
      '操作',
    ])
    i18n.global.locale.value = 'en'
    await settle()
    expect(headers()).toEqual([
      '',
      'Name',
      'Category',
      'Owner',
      'Phone',
      'Next contact',
      'Last contact',
      'Actions',
    ])
  })

  it('marks an overdue next contact in words and with an icon, and one due today', async () => {
    fakeServer()
    await open()
    const cell = (id: number) => {
      const row = [...document.querySelectorAll('.el-table__body tr')].find((tr) =>
        tr.textContent?.includes(customers()[id - 1]!.name),
      )
      return row?.querySelector('.next-contact, .next-contact-none') as HTMLElement | null
    }
    expect(cell(1)?.dataset.due).toBe('overdue')
    expect(cell(1)?.textContent).toContain('逾期')
    expect(cell(1)?.querySelector('.el-icon')).not.toBeNull()
    if (laterToday()) {
      expect(cell(2)?.dataset.due).toBe('today')
      expect(cell(2)?.textContent).toContain('今天')
    }
    expect(cell(3)?.dataset.due).toBe('later')
    expect(cell(3)?.textContent).not.toMatch(/逾期|今天/)
    expect(cell(4)?.classList.contains('next-contact-none')).toBe(true)
    i18n.global.locale.value = 'en'
    await settle()
    expect(cell(1)?.textContent).toContain('Overdue')
  })

  it('offers "due today" one click away: overdue and today, then everyone again', async () => {
    const fake = fakeServer()
    const { router } = await open()
    const button = byTestId('due-today')[0]!
    expect(button.textContent).toContain('今日待联系')
    expect(button.getAttribute('aria-pressed')).toBe('false')
    button.click()
    await settle()
    expect(router.currentRoute.value.query.due).toBe('today')
    const last = listCalls(fake).at(-1)!.url.searchParams
    expect(last.get('next_contact_before')).toBe(toRfc3339(endOfToday()))
    expect(last.has('due')).toBe(false)
    expect(last.get('sort')).toBe('next_contact_at')
    expect(byTestId('due-today')[0]!.getAttribute('aria-pressed')).toBe('true')
    byTestId('due-today')[0]!.click()
    await settle()
    expect(router.currentRoute.value.query.due).toBeUndefined()
    expect(listCalls(fake).at(-1)!.url.searchParams.has('next_contact_before')).toBe(false)
    i18n.global.locale.value = 'en'
    await settle()
    expect(byTestId('due-today')[0]!.textContent).toContain('Due today')
  })

  it('keeps the sort the user chooses, and starts from it next time', async () => {
    const fake = fakeServer()
    const { router } = await open()
    const nameHeader = [...document.querySelectorAll<HTMLElement>('.el-table__header th')].find(
      (th) => th.textContent?.includes('客户名称'),
    )!
    nameHeader.querySelector<HTMLElement>('.ascending')!.click()
    await settle()
    expect(router.currentRoute.value.query.sort).toBe('name')
    expect(listCalls(fake).at(-1)!.url.searchParams.get('sort')).toBe('name')
    const saved = fake.calls.find((c) => c.method === 'PUT')
    expect(saved?.url.pathname).toBe('/api/v1/me/settings/customers.list.sort')
    expect(saved?.body).toBe('name')
    unmount?.()

    const again = fakeServer({ 'customers.list.sort': 'name' })
    await open()
    expect(listCalls(again).at(-1)!.url.searchParams.get('sort')).toBe('name')
  })

  it('pairs the server parameters: due=today becomes the end of the local day', () => {
    const now = new Date(2026, 11, 7, 15, 30)
    expect(serverParams({ due: 'today', q: 'x' }, now)).toEqual({
      q: 'x',
      next_contact_before: toRfc3339(new Date(2026, 11, 8)),
    })
    expect(serverParams({ q: 'x' }, now)).toEqual({ q: 'x' })
    expect(contactDue(toRfc3339(new Date(2026, 11, 7, 15, 0)), now)).toBe('overdue')
    expect(contactDue(toRfc3339(new Date(2026, 11, 7, 23, 59)), now)).toBe('today')
    expect(contactDue(toRfc3339(new Date(2026, 11, 8, 0, 0)), now)).toBe('later')
    expect(contactDue(null, now)).toBe('none')
  })
})

describe('the export button', () => {
  it('is shown only with customers.export', async () => {
    fakeServer()
    await open()
    expect(byTestId('customer-export')).toHaveLength(0)
    unmount?.()
    fakeServer()
    await open([...USER, 'customers.export'])
    expect(byTestId('customer-export')).toHaveLength(1)
  })

  it('exports what the list shows, busy until the file is there', async () => {
    let answer!: (r: Response) => void
    const pending = new Promise<Response>((resolve) => (answer = resolve))
    const fake = fakeServer({}, pending)
    URL.createObjectURL = () => 'blob:export'
    URL.revokeObjectURL = () => undefined
    const saved: string[] = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push(this.download)
    })
    await open([...USER, 'customers.export'], '/customers?q=科技&due=today&category=core')
    byTestId('customer-export-button')[0]!.click()
    const xlsx = await waitFor(() => byTestId('customer-export-xlsx')[0])
    xlsx!.click()
    await settle()
    const button = byTestId('customer-export-button')[0]!
    expect(button.hasAttribute('disabled') || button.classList.contains('is-disabled')).toBe(true)
    expect(button.getAttribute('aria-busy')).toBe('true')
    expect(button.textContent).toContain('正在导出')
    const call = fake.calls.find((c) => c.url.pathname === '/api/v1/customers/export')!
    const params = call.url.searchParams
    expect(params.get('format')).toBe('xlsx')
    expect(params.get('lang')).toBe('zh-CN')
    expect(params.get('q')).toBe('科技')
    expect(params.get('category')).toBe('core')
    expect(params.get('sort')).toBe('next_contact_at')
    expect(params.get('next_contact_before')).toBe(toRfc3339(endOfToday()))
    expect(params.has('page') || params.has('page_size') || params.has('due')).toBe(false)
    answer(new Response('x', { status: 200 }))
    await settle()
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatch(/^客户-\d{4}-\d{2}-\d{2}\.xlsx$/)
    expect(byTestId('customer-export-button')[0]!.getAttribute('aria-busy')).toBe('false')
  })
})

describe('on a phone', () => {
  it('shows a dense card: name, category, next contact, one tap to call', async () => {
    useIsPhone().value = true
    fakeServer()
    await open()
    const cards = [...document.querySelectorAll<HTMLElement>('.meta-card')]
    expect(cards).toHaveLength(4)
    const first = cards[0]!
    expect(first.classList.contains('is-compact')).toBe(true)
    expect(first.querySelector('.meta-card-title')?.textContent).toContain('杭州星辰科技有限公司')
    expect(first.textContent).toContain('核心')
    expect(first.querySelector('.next-contact')?.textContent).toContain('逾期')
    const call = first.querySelector<HTMLAnchorElement>('[data-testid="card-call"]')!
    expect(call.getAttribute('href')).toBe('tel:13800000001')
    expect(call.getAttribute('aria-label')).toBe('拨打 13800000001')
    // Only what the day needs: no owner, phone text or last contact line.
    expect(first.querySelector('dl')).toBeNull()
    expect(first.textContent).not.toContain('张伟')
    // No number, no call button.
    expect(cards[1]!.querySelector('[data-testid="card-call"]')).toBeNull()
    expect(first.querySelector('[data-testid="row-more"]')).not.toBeNull()
    i18n.global.locale.value = 'en'
    await settle()
    expect(call.getAttribute('aria-label')).toBe('Call 13800000001')
  })

  it('filters in a sheet that applies only on Apply and always closes', async () => {
    useIsPhone().value = true
    const fake = fakeServer()
    const { router } = await open()
    const calls = listCalls(fake).length
    byTestId('filter-toggle')[0]!.click()
    const apply = await waitFor(() => byTestId('filter-apply')[0])
    expect(apply?.textContent).toContain('应用')
    expect(byTestId('filter-close')[0]!.textContent).toContain('关闭')
    byTestId('filter-close')[0]!.click()
    await settle()
    expect(listCalls(fake)).toHaveLength(calls)
    expect(router.currentRoute.value.query).toEqual({})
  })
})

describe('the table', () => {
  it('builds no link before a row has an id (no "Missing required param" per render)', async () => {
    const warn = vi.spyOn(console, 'warn')
    const error = vi.spyOn(console, 'error')
    fakeServer()
    await open([...USER, 'customers.export'])
    const said = [...warn.mock.calls, ...error.mock.calls].map((args) => args.join(' '))
    expect(said.filter((s) => /Missing required param/.test(s))).toEqual([])
    expect(document.querySelectorAll('.el-table__body a.meta-title-link')).toHaveLength(4)
  })
})

// Issue 14 item 10: what most visits never open is not built with the list (its pickers, popper
// menus and dialogs were most of the page's set-up before the first row).
describe('the first paint', () => {
  it('builds the filter form, the dialogs and the menus only when first opened', async () => {
    fakeServer()
    await open([...USER, 'customers.export'])
    expect(document.querySelector('.meta-filters')).toBeNull()
    expect(document.querySelector('.el-overlay')).toBeNull() // no dialog
    expect(document.querySelector('.el-dropdown-menu, .el-popover')).toBeNull() // no menu

    byTestId('filter-toggle')[0]!.click()
    await settle()
    const form = document.querySelector<HTMLElement>('.meta-filters')
    expect(form).not.toBeNull()
    byTestId('filter-toggle')[0]!.click()
    await settle()
    // Hidden again, kept: the second opening is at once.
    expect(document.querySelector('.meta-filters')).toBe(form)
    expect(byTestId('filter-panel')[0]!.style.display).toBe('none')
  })

  it('builds a dialog when it is first asked for, and opens it', async () => {
    fakeServer()
    await open()
    expect(document.querySelector('.el-overlay')).toBeNull()
    const followup = [...document.querySelectorAll<HTMLElement>('.el-table__body button')].find(
      (b) => b.textContent?.includes('添加跟进'),
    )
    followup!.click()
    await settle()
    const dialog = await waitFor(() => document.querySelector<HTMLElement>('.el-dialog'))
    expect(dialog!.textContent).toContain('添加跟进 · ')
  })
})
