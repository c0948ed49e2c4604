import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import MetaForm from '@/components/meta/MetaForm.vue'
import type { EntityMeta, KitRecord } from '@/api/types'
import { useIsPhone } from '@/composables/useBreakpoint'
import { i18n } from '@/i18n'
import RecordPanel from '@/modules/records/RecordPanel.vue'
import { mailings } from '@/modules/records/mailings'
import { RECORD_TYPES } from '@/modules/records/types'
import { useSessionStore } from '@/stores/session'
import type { Me } from '@/api/types'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

// The server's metadata; the labels here differ from the locale files on purpose, so the tests
// show that the panel takes the metadata's own label in the current language.
const META: EntityMeta = {
  entity: 'mailings',
  collection: '/api/v1/customers/{id}/mailings',
  visibility: 'through_customer',
  label: { 'zh-CN': '邮寄记录', en: 'Mailing' },
  fields: [
    {
      name: 'item',
      type: 'string',
      required: true,
      max_length: 200,
      label_key: 'mailings.fields.item',
      label: { 'zh-CN': '寄送物品', en: 'Thing sent' },
      list: true,
      sort: true,
      search: true,
    },
    {
      name: 'carrier',
      type: 'string',
      label_key: 'mailings.fields.carrier',
      label: { 'zh-CN': '承运方', en: 'Courier' },
      list: true,
      filter: true,
    },
    {
      name: 'sent_on',
      type: 'date',
      required: true,
      label_key: 'mailings.fields.sent_on',
      label: { 'zh-CN': '寄出日', en: 'Posted' },
      list: true,
      sort: true,
    },
    {
      name: 'received_on',
      type: 'date',
      label_key: 'mailings.fields.received_on',
      label: { 'zh-CN': '签收日', en: 'Arrived' },
      list: true,
      sort: true,
    },
    // Not listed: only in the form.
    { name: 'note', type: 'text', label_key: 'mailings.fields.note', max_length: 1000 },
  ],
}

const CUSTOMER = 7
const PATH = `/api/v1/customers/${CUSTOMER}/mailings`

function mailing(id: number, item: string, sent_on: string): KitRecord {
  return {
    id,
    customer_id: CUSTOMER,
    item,
    carrier: '顺丰',
    sent_on,
    received_on: null,
    note: null,
    version: 1,
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-01T08:00:00Z',
  }
}

/** A small stand-in of the kit's routes for one customer's mailings. */
function fakeServer(
  initial: KitRecord[] = [mailing(1, '产品目录', '2026-11-20')],
  meta: EntityMeta = META,
) {
  let rows = [...initial]
  const deleted: KitRecord[] = []
  let next = 100
  const fake = fakeFetch({
    'GET /api/v1/meta/mailings': () => [200, meta],
    [`GET ${PATH}`]: (_body, url) => {
      const items = url.searchParams.get('deleted') === 'true' ? deleted : rows
      return [200, { items, total: items.length, page: 1, page_size: 10 }]
    },
    [`POST ${PATH}`]: (body) => {
      const input = body as Record<string, unknown>
      const earlier = rows.filter((r) => r.item === input.item)
      if (earlier.length && input.allow_duplicate !== true) {
        return [
          409,
          {
            error: {
              code: 'duplicate',
              message: 'This item was already sent to this customer',
              details: {
                field: 'item',
                matches: earlier.map((r) => ({ id: r.id, item: r.item, sent_on: r.sent_on })),
              },
            },
          },
        ]
      }
      const row = { ...mailing(next++, String(input.item), String(input.sent_on)), ...input }
      delete row.allow_duplicate
      rows = [row, ...rows]
      return [201, row]
    },
    [`DELETE ${PATH}/1`]: () => {
      deleted.push(...rows.filter((r) => r.id === 1))
      rows = rows.filter((r) => r.id !== 1)
      return [204]
    },
    [`POST ${PATH}/1/restore`]: () => {
      const row = deleted.splice(0, 1)[0]!
      rows = [row, ...rows]
      return [200, row]
    },
    [`GET ${PATH}/export`]: () => [200, 'a,b\r\n'],
    [`GET ${PATH}/1/history`]: (_body, url) => {
      const all = [
        {
          id: 12,
          at: '2026-12-02T09:30:00Z',
          user_id: 3,
          user_name: '李经理',
          action: 'update',
          changes: {
            carrier: { before: '顺丰', after: 'EMS' },
            sent_on: { before: '2026-11-20', after: '2026-11-21' },
          },
        },
        {
          id: 11,
          at: '2026-12-01T08:00:00Z',
          user_id: 2,
          user_name: '王销售',
          action: 'create',
          changes: { item: { before: null, after: '产品目录' } },
        },
      ]
      const page = Number(url.searchParams.get('page') ?? 1)
      const size = Number(url.searchParams.get('page_size') ?? 20)
      const items = all.slice((page - 1) * size, page * size)
      return [200, { items, total: all.length, page, page_size: size }]
    },
  })
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

const ALL = [
  'mailings.view',
  'mailings.create',
  'mailings.edit',
  'mailings.delete',
  'mailings.export',
]

async function mountPanel(permissions: string[] = ALL, fixed?: Record<string, number>) {
  const wrapper = mountApp(RecordPanel, {
    props: { type: mailings, customerId: CUSTOMER, fixed },
    attachTo: document.body,
  })
  useSessionStore().user = { id: 1, username: 'u', permissions } as unknown as Me
  await settle()
  return wrapper
}

const headers = (wrapper: VueWrapper) =>
  wrapper.findAll('.el-table__header th').map((th) => th.find('.cell').text())
const byTestId = (id: string) =>
  [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)].filter(
    // Not hidden, and not the table's copy of a column's template (.hidden-columns).
    (el) => !el.closest('[style*="display: none"], .hidden-columns'),
  )
const click = async (el: HTMLElement | undefined) => {
  expect(el, 'the control exists').toBeTruthy()
  el!.click()
  await settle()
}
/** Fills the shared form as a person would end up with (the date picker is Element Plus's). */
async function fill(wrapper: VueWrapper, values: Record<string, unknown>) {
  wrapper.findComponent(MetaForm).vm.$emit('update:modelValue', values)
  await settle()
}

const click_ = (el: HTMLElement | undefined) => click(el)

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  useIsPhone().value = false
  i18n.global.locale.value = 'zh-CN'
})

describe('RecordPanel', () => {
  it('renders the columns the metadata lists, labelled in the current language', async () => {
    fakeServer()
    mounted = await mountPanel()
    expect(headers(mounted)).toEqual(['寄送物品', '承运方', '寄出日', '签收日', '操作'])
    expect(mounted.text()).toContain('产品目录')
    i18n.global.locale.value = 'en'
    await settle()
    expect(headers(mounted)).toEqual(['Thing sent', 'Courier', 'Posted', 'Arrived', 'Actions'])
  })

  it('asks for the type default sort and shows cards at phone width', async () => {
    const fake = fakeServer()
    useIsPhone().value = true
    mounted = await mountPanel()
    const list = fake.calls.find((c) => c.method === 'GET' && c.url.pathname === PATH)!
    expect(list.url.searchParams.get('sort')).toBe('-sent_on')
    const card = mounted.find('.meta-card')
    expect(card.find('.meta-card-title').text()).toBe('产品目录')
    expect(card.findAll('dt').map((dt) => dt.text())).toEqual(['承运方', '寄出日', '签收日'])
  })

  it('creates a record through the shared form and refreshes the list', async () => {
    const fake = fakeServer()
    mounted = await mountPanel()
    await click(byTestId('record-new')[0])
    await fill(mounted, { item: '新年贺卡', sent_on: '2026-12-03', carrier: '', note: '' })
    await click(byTestId('record-save')[0])
    const post = fake.calls.find((c) => c.method === 'POST')!
    // Empty fields are left out of a new record.
    expect(post.body).toEqual({ item: '新年贺卡', sent_on: '2026-12-03' })
    const lists = fake.calls.filter((c) => c.method === 'GET' && c.url.pathname === PATH)
    expect(lists).toHaveLength(2)
    expect(mounted.text()).toContain('新年贺卡')
  })

  it('on a duplicate shows the earlier mailing, then records anyway with allow_duplicate', async () => {
    const fake = fakeServer()
    mounted = await mountPanel()
    await click(byTestId('record-new')[0])
    await fill(mounted, { item: '产品目录', sent_on: '2026-12-05' })
    await click(byTestId('record-save')[0])
    const warning = byTestId('record-override')[0]!
    expect(warning.textContent).toContain('这件物品已经寄给过该客户')
    const matches = byTestId('record-override-match').map((li) => li.textContent ?? '')
    expect(matches).toHaveLength(1)
    expect(matches[0]).toContain('产品目录')
    expect(matches[0]).toContain('2026/11/20')
    // The save button became "record anyway"; nothing was recorded yet.
    expect(byTestId('record-save')).toHaveLength(0)
    expect(mounted.findAll('.el-table__body tr')).toHaveLength(1)

    await click(byTestId('record-save-anyway')[0])
    const posts = fake.calls.filter((c) => c.method === 'POST')
    expect(posts).toHaveLength(2)
    expect(posts[1]!.body).toEqual({
      item: '产品目录',
      sent_on: '2026-12-05',
      allow_duplicate: true,
    })
    expect(mounted.findAll('.el-table__body tr')).toHaveLength(2)
  })

  it('changing a field after the warning drops it: the next save asks the server again', async () => {
    fakeServer()
    mounted = await mountPanel()
    await click(byTestId('record-new')[0])
    await fill(mounted, { item: '产品目录', sent_on: '2026-12-05' })
    await click(byTestId('record-save')[0])
    expect(byTestId('record-override')).toHaveLength(1)
    mounted.findComponent(MetaForm).vm.$emit('field-change', 'item')
    await settle()
    expect(byTestId('record-override')).toHaveLength(0)
    expect(byTestId('record-save')).toHaveLength(1)
  })

  it('shows the server field errors on the form, in the current language', async () => {
    const fake = fakeServer()
    mounted = await mountPanel()
    vi.stubGlobal('fetch', async (input: string, init: RequestInit = {}) =>
      init.method === 'POST'
        ? new Response(
            JSON.stringify({
              error: {
                code: 'validation_failed',
                message: 'Some fields are invalid.',
                details: { fields: { received_on: 'must not be before sent_on' } },
              },
            }),
            { status: 422 },
          )
        : fake.fn(input, init),
    )
    await click(byTestId('record-new')[0])
    await fill(mounted, { item: '合同', sent_on: '2026-12-05', received_on: '2026-12-01' })
    await click(byTestId('record-save')[0])
    const item = await waitFor(() =>
      document.querySelector('[data-field="received_on"] .el-form-item__error'),
    )
    expect(item?.textContent).toContain('签收日不能早于寄出日')
  })

  it('deletes with an undo that restores the record', async () => {
    const fake = fakeServer()
    mounted = await mountPanel()
    await click(byTestId('record-delete')[0])
    expect(fake.calls.some((c) => c.method === 'DELETE')).toBe(true)
    expect(mounted.text()).not.toContain('产品目录')
    await click(byTestId('record-undo')[0])
    expect(fake.calls.some((c) => c.url.pathname === `${PATH}/1/restore`)).toBe(true)
    expect(mounted.text()).toContain('产品目录')
  })

  it('lists the recycle bin and restores from it', async () => {
    const fake = fakeServer()
    mounted = await mountPanel()
    await click(byTestId('record-delete')[0])
    await click(byTestId('record-bin')[0])
    const bin = fake.calls.filter((c) => c.url.searchParams.get('deleted') === 'true')
    expect(bin).toHaveLength(1)
    expect(mounted.text()).toContain('产品目录')
    expect(byTestId('record-new')).toHaveLength(0)
    await click(byTestId('record-restore')[0])
    expect(fake.calls.some((c) => c.url.pathname === `${PATH}/1/restore`)).toBe(true)
    expect(mounted.text()).not.toContain('产品目录')
  })

  it('shows only the actions the permissions allow', async () => {
    fakeServer()
    mounted = await mountPanel(['mailings.view'])
    expect(byTestId('record-new')).toHaveLength(0)
    expect(byTestId('record-bin')).toHaveLength(0)
    expect(byTestId('record-edit')).toHaveLength(0)
    expect(byTestId('record-delete')).toHaveLength(0)
    expect(byTestId('record-export')).toHaveLength(0)
    // A reader still has each record's history.
    expect(byTestId('record-history')).toHaveLength(1)
    mounted.unmount()

    fakeServer()
    mounted = await mountPanel(['mailings.view', 'mailings.edit'])
    expect(byTestId('record-new')).toHaveLength(0)
    expect(byTestId('record-edit')).toHaveLength(1)
    expect(byTestId('record-delete')).toHaveLength(0)
    expect(byTestId('record-bin')).toHaveLength(0)
    mounted.unmount()

    fakeServer()
    mounted = await mountPanel(['mailings.view', 'mailings.create', 'mailings.delete'])
    expect(byTestId('record-new')).toHaveLength(1)
    expect(byTestId('record-edit')).toHaveLength(0)
    expect(byTestId('record-delete')).toHaveLength(1)
    expect(byTestId('record-bin')).toHaveLength(1)
    expect(byTestId('record-export')).toHaveLength(0)
    mounted.unmount()

    fakeServer()
    mounted = await mountPanel(['mailings.view', 'mailings.export'])
    expect(byTestId('record-export')).toHaveLength(1)
  })

  it('exports what the list shows, in the current language, as the chosen format', async () => {
    const fake = fakeServer()
    const created: Blob[] = []
    const { createObjectURL, revokeObjectURL } = URL
    URL.createObjectURL = (blob: Blob) => {
      created.push(blob)
      return 'blob:export'
    }
    URL.revokeObjectURL = () => undefined
    onTestFinished(() => {
      Object.assign(URL, { createObjectURL, revokeObjectURL })
    })
    const saved: string[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push(this.download)
    })
    mounted = await mountPanel()
    i18n.global.locale.value = 'en'
    const search = document.querySelector<HTMLInputElement>('input[data-testid="record-search"]')
    expect(search, 'the search box').toBeTruthy()
    search!.value = '目录'
    search!.dispatchEvent(new Event('input'))
    await new Promise((resolve) => setTimeout(resolve, 400))
    await settle()
    document.querySelector<HTMLElement>('[data-testid="record-export"] .el-button')!.click()
    await settle()
    await click_(byTestId('record-export-xlsx')[0])
    const exported = fake.calls.find((c) => c.url.pathname === `${PATH}/export`)!
    expect(exported, 'the export was asked for').toBeTruthy()
    const params = Object.fromEntries(exported.url.searchParams)
    expect(params).toEqual({ format: 'xlsx', lang: 'en', q: '目录', sort: '-sent_on' })
    expect(created).toHaveLength(1)
    expect(saved).toEqual(['Mailing-7.xlsx'])
    click.mockRestore()

    // In the recycle bin, the bin is what is exported.
    await click_(byTestId('record-bin')[0])
    document.querySelector<HTMLElement>('[data-testid="record-export"] .el-button')!.click()
    await settle()
    await click_(byTestId('record-export-csv')[0])
    const bin = fake.calls.filter((c) => c.url.pathname === `${PATH}/export`)[1]!
    expect(bin.url.searchParams.get('deleted')).toBe('true')
    expect(bin.url.searchParams.get('format')).toBe('csv')
  })

  it('shows a record history in a drawer, each change before and after, labelled', async () => {
    const fake = fakeServer()
    mounted = await mountPanel(['mailings.view'])
    await click_(byTestId('record-history')[0])
    const asked = fake.calls.find((c) => c.url.pathname === `${PATH}/1/history`)!
    expect(asked.url.searchParams.get('page')).toBe('1')
    const drawer = byTestId('record-history-drawer')[0]!
    expect(drawer.textContent).toContain('产品目录 的修改历史')
    const entries = byTestId('record-history-entry')
    expect(entries).toHaveLength(2)
    // Newest first: who did what, then the fields in the metadata's order with their labels.
    expect(entries[0]!.textContent).toContain('修改')
    expect(entries[0]!.textContent).toContain('李经理')
    const changes = byTestId('record-history-change').map((li) => [
      li.querySelector('.record-history-field')?.textContent,
      (li.textContent ?? '')
        .replace(li.querySelector('.record-history-field')?.textContent ?? '', '')
        .replace(/\s+/g, ' ')
        .trim(),
    ])
    expect(changes).toEqual([
      ['承运方', '顺丰 → EMS'],
      ['寄出日', '2026/11/20 → 2026/11/21'],
      ['寄送物品', '产品目录'],
    ])
    expect(entries[1]!.textContent).toContain('王销售')
    expect(byTestId('record-history-more')).toHaveLength(0)
  })

  it('names 403/404/claim_first answers with their translated texts', async () => {
    fakeServer()
    vi.stubGlobal(
      'fetch',
      async (input: string) =>
        new Response(
          JSON.stringify(
            input.includes('/meta/')
              ? META
              : { error: { code: 'claim_first', message: 'claim it first' } },
          ),
          { status: input.includes('/meta/') ? 200 : 403 },
        ),
    )
    mounted = await mountPanel()
    expect(mounted.find('[role="alert"]').text()).toContain('请先从公海领取')
  })

  it('opens a record read-only from its title: every field, labelled from the metadata', async () => {
    fakeServer([{ ...mailing(1, '产品目录', '2026-11-20'), note: '请转交采购部' }])
    mounted = await mountPanel()
    await click(byTestId('meta-open')[0])
    const drawer = await waitFor(() => byTestId('record-detail')[0])
    expect(drawer?.querySelector('.el-drawer__title')?.textContent).toContain('产品目录')
    const labels = () =>
      [...document.querySelectorAll('.record-detail .meta-detail-label')].map((l) => l.textContent)
    // The note is not a list column, but the detail shows it.
    expect(labels()).toEqual(expect.arrayContaining(['寄送物品', '承运方', '寄出日', '签收日']))
    expect(drawer?.textContent).toContain('请转交采购部')
    i18n.global.locale.value = 'en'
    await settle()
    expect(labels()).toEqual(expect.arrayContaining(['Thing sent', 'Courier', 'Posted', 'Arrived']))
    // Edit from the drawer: the drawer gives way to the shared form with the record's values.
    await click(byTestId('record-detail-edit')[0])
    expect(byTestId('record-save')).toHaveLength(1)
    expect(mounted.findComponent(MetaForm).props('modelValue')).toMatchObject({ item: '产品目录' })
  })

  it('the detail offers only the actions the permissions allow', async () => {
    fakeServer()
    mounted = await mountPanel(['mailings.view'])
    await click(byTestId('meta-open')[0])
    await waitFor(() => byTestId('record-detail')[0])
    expect(byTestId('record-detail-edit')).toHaveLength(0)
    expect(byTestId('record-detail-delete')).toHaveLength(0)
  })

  it('every type the web shows has its title in both languages', () => {
    for (const type of RECORD_TYPES) {
      expect(i18n.global.te(type.titleKey, 'zh-CN')).toBe(true)
      expect(i18n.global.te(type.titleKey, 'en')).toBe(true)
    }
  })

  it('without a customer, lists a type the server lists across customers, each row its customer', async () => {
    const across: EntityMeta = { ...META, across: '/api/v1/mailings' }
    const row = (id: number, customer: number, name: string, item: string) => ({
      ...mailing(id, item, '2026-11-20'),
      customer_id: customer,
      customer_name: name,
    })
    let rows = [row(5, 9, '华东精密', '产品目录'), row(6, 11, '深圳创新', '样品')]
    const fake = fakeFetch({
      'GET /api/v1/meta/mailings': () => [200, across],
      'GET /api/v1/mailings': () => [
        200,
        { items: rows, total: rows.length, page: 1, page_size: 10 },
      ],
      'DELETE /api/v1/customers/9/mailings/5': () => {
        rows = rows.filter((r) => r.id !== 5)
        return [204]
      },
    })
    vi.stubGlobal('fetch', fake.fn)
    mounted = mountApp(RecordPanel, { props: { type: mailings }, attachTo: document.body })
    useSessionStore().user = { id: 1, username: 'u', permissions: ALL } as unknown as Me
    await settle()
    // The customer is the second column, each a link to the customer's page.
    expect(headers(mounted).slice(0, 2)).toEqual(['寄送物品', '客户'])
    const links = byTestId('record-customer')
    expect(links.map((a) => a.textContent?.trim())).toEqual(['华东精密', '深圳创新'])
    expect(links[0]!.getAttribute('to')).toBe('/customers/9') // (a stub of router-link)
    // Nothing is made here (a record needs its customer), nor exported.
    expect(byTestId('record-new')).toHaveLength(0)
    expect(byTestId('record-export')).toHaveLength(0)
    // A row is changed where it lives: under its own customer.
    await click(byTestId('record-delete')[0])
    const removed = fake.calls.find((c) => c.method === 'DELETE')!
    expect(removed.url.pathname).toBe('/api/v1/customers/9/mailings/5')
    expect(byTestId('record-customer').map((a) => a.textContent?.trim())).toEqual(['深圳创新'])
  })

  describe('with a fixed filter (the records of one parent, e.g. an opportunity)', () => {
    // A listed, filterable reference every record of the panel shares.
    const WITH_BATCH: EntityMeta = {
      ...META,
      fields: [
        ...META.fields,
        {
          name: 'batch_id',
          type: 'integer',
          label_key: 'mailings.fields.batch_id',
          label: { 'zh-CN': '批次', en: 'Batch' },
          list: true,
          filter: true,
        },
      ],
    }
    const lists = (fake: ReturnType<typeof fakeServer>) =>
      fake.calls.filter((c) => c.method === 'GET' && c.url.pathname === PATH)

    it('asks the list, the recycle bin and the export only for those records', async () => {
      const fake = fakeServer(
        [{ ...mailing(1, '产品目录', '2026-11-20'), batch_id: 42 }],
        WITH_BATCH,
      )
      const { createObjectURL, revokeObjectURL } = URL
      URL.createObjectURL = () => 'blob:export'
      URL.revokeObjectURL = () => undefined
      const anchor = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
      onTestFinished(() => {
        Object.assign(URL, { createObjectURL, revokeObjectURL })
        anchor.mockRestore()
      })
      mounted = await mountPanel(ALL, { batch_id: 42 })
      expect(lists(fake)[0]!.url.searchParams.get('batch_id')).toBe('42')
      // The shared value is no column: every row has it.
      expect(headers(mounted)).toEqual(['寄送物品', '承运方', '寄出日', '签收日', '操作'])

      await click(byTestId('record-bin')[0])
      const bin = lists(fake).at(-1)!
      expect(bin.url.searchParams.get('deleted')).toBe('true')
      expect(bin.url.searchParams.get('batch_id')).toBe('42')

      document.querySelector<HTMLElement>('[data-testid="record-export"] .el-button')!.click()
      await settle()
      await click(byTestId('record-export-csv')[0])
      const exported = fake.calls.find((c) => c.url.pathname === `${PATH}/export`)!
      expect(exported.url.searchParams.get('batch_id')).toBe('42')
      expect(exported.url.searchParams.get('deleted')).toBe('true')
    })

    it('makes a new record with them, without asking for them in the form', async () => {
      const fake = fakeServer([], WITH_BATCH)
      mounted = await mountPanel(ALL, { batch_id: 42 })
      await click(byTestId('record-new')[0])
      expect(document.querySelector('[data-field="item"]'), 'the form is open').toBeTruthy()
      expect(document.querySelector('[data-field="batch_id"]')).toBeNull()
      expect(mounted.findComponent(MetaForm).props('modelValue')).toEqual({ batch_id: 42 })
      // Even a form that lost the value (a field cleared) sends it.
      await fill(mounted, { item: '新年贺卡', sent_on: '2026-12-03' })
      await click(byTestId('record-save')[0])
      const post = fake.calls.find((c) => c.method === 'POST')!
      expect(post.body).toEqual({ item: '新年贺卡', sent_on: '2026-12-03', batch_id: 42 })
    })

    it('without one, shows the field as a column and in the form', async () => {
      fakeServer([{ ...mailing(1, '产品目录', '2026-11-20'), batch_id: 42 }], WITH_BATCH)
      mounted = await mountPanel()
      expect(headers(mounted)).toContain('批次')
      await click(byTestId('record-new')[0])
      expect(document.querySelector('[data-field="batch_id"]')).toBeTruthy()
    })
  })
})
