// Fields holding a set of records (type `records`, e.g. a solution's product_ids and need_ids): the
// generic form picks them by name from the field's collection (a need only among the needs of the
// form's opportunity), sends the ids, shows those already chosen by the names the record answers,
// and the lists show them by those names, listed as the language lists.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent } from 'vue'
import type { EntityMeta, FieldDef, KitRecord, Me } from '@/api/types'
import MetaList from '@/components/meta/MetaList.vue'
import { useFieldText } from '@/components/meta/fieldText'
import { i18n } from '@/i18n'
import RecordPanel from '@/modules/records/RecordPanel.vue'
import { opportunitySolutions } from '@/modules/records/pipeline'
import { useSessionStore } from '@/stores/session'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
// As GET /api/v1/meta/opportunity_solutions describes them.
const TITLE: FieldDef = {
  name: 'title',
  type: 'string',
  required: true,
  max_length: 200,
  label_key: 'opportunity_solutions.fields.title',
  label: label('方案', 'Solution'),
  list: true,
  search: true,
}
const OPPORTUNITY: FieldDef = {
  name: 'opportunity_id',
  type: 'integer',
  label_key: 'opportunity_solutions.fields.opportunity_id',
  label: label('销售机会', 'Opportunity'),
  list: true,
  filter: true,
  name_member: 'opportunity_name',
  record_type: 'opportunities',
  references: 'opportunities',
  collection: '/api/v1/opportunities',
}
const NEEDS: FieldDef = {
  name: 'need_ids',
  type: 'records',
  label_key: 'opportunity_solutions.fields.need_ids',
  label: label('满足的需求', 'Answers needs'),
  list: true,
  filter: true,
  name_member: 'need_names',
  record_type: 'opportunity_needs',
  references: 'opportunity_needs',
  collection: '/api/v1/customers/{id}/opportunity_needs',
}
const PRODUCTS: FieldDef = {
  name: 'product_ids',
  type: 'records',
  label_key: 'opportunity_solutions.fields.product_ids',
  label: label('方案产品', 'Products'),
  list: true,
  filter: true,
  name_member: 'product_names',
  record_type: 'products',
  references: 'products',
  collection: '/api/v1/products',
}
const NOTES: FieldDef = {
  name: 'products',
  type: 'text',
  max_length: 5000,
  label_key: 'opportunity_solutions.fields.products',
  label: label('产品说明', 'Product notes'),
}
const SOLUTION_FIELDS = [TITLE, OPPORTUNITY, NEEDS, PRODUCTS, NOTES]

const meta = (entity: string, fields: Partial<FieldDef>[], collection?: string): EntityMeta => ({
  entity,
  collection,
  visibility: 'through_customer',
  fields: fields.map((f) => ({ type: 'string', label_key: 'x', ...f }) as FieldDef),
})
const METAS: Record<string, EntityMeta> = {
  opportunity_solutions: meta(
    'opportunity_solutions',
    SOLUTION_FIELDS,
    '/api/v1/customers/{id}/opportunity_solutions',
  ),
  // Needs search by title and filter by their opportunity; products search by name and code.
  opportunity_needs: meta('opportunity_needs', [
    { name: 'title', search: true },
    { ...OPPORTUNITY },
    { name: 'priority', type: 'enum', options: ['high', 'medium', 'low'], filter: true },
  ]),
  products: meta('products', [
    { name: 'name', search: true },
    { name: 'code', search: true, filter: true },
    { name: 'active', type: 'boolean', filter: true },
  ]),
}

const CUSTOMER = 7
const OPP = 42
const PATH = `/api/v1/customers/${CUSTOMER}/opportunity_solutions`
const CATALOGUE = [
  { id: 501, code: 'GX-STD', name: '关系管理标准版' },
  { id: 502, code: 'GX-MOB', name: '移动审批模块' },
  { id: 503, code: 'GX-BI', name: '经营分析报表' },
]
const NEED_ROWS = [
  { id: 61, opportunity_id: OPP, title: '移动端审批' },
  { id: 62, opportunity_id: OPP, title: '数据迁移' },
  { id: 63, opportunity_id: 43, title: '另一机会的需求' },
]

function solution(extra: Record<string, unknown> = {}): KitRecord {
  return {
    id: 5,
    customer_id: CUSTOMER,
    opportunity_id: OPP,
    title: '移动审批方案',
    need_ids: [],
    need_names: [],
    product_ids: [],
    product_names: [],
    products: null,
    version: 3,
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-01T08:00:00Z',
    ...extra,
  }
}

function fakeServer(rows: KitRecord[] = []) {
  const page = (items: unknown[]): [number, unknown] => [
    200,
    { items, total: items.length, page: 1, page_size: 20 },
  ]
  const routes: Parameters<typeof fakeFetch>[0] = {
    [`GET ${PATH}`]: () => page(rows),
    [`POST ${PATH}`]: (body) => [201, solution(body as Record<string, unknown>)],
    [`PATCH ${PATH}/5`]: (body) => [200, solution(body as Record<string, unknown>)],
    'GET /api/v1/products': (_b, url) => {
      const q = url.searchParams.get('q') ?? ''
      return page(CATALOGUE.filter((p) => p.name.includes(q) || p.code.includes(q)))
    },
    [`GET /api/v1/customers/${CUSTOMER}/opportunity_needs`]: (_b, url) => {
      const opportunity = url.searchParams.get('opportunity_id')
      return page(NEED_ROWS.filter((n) => !opportunity || String(n.opportunity_id) === opportunity))
    },
  }
  for (const [type, value] of Object.entries(METAS)) {
    routes[`GET /api/v1/meta/${type}`] = () => [200, value]
  }
  const fake = fakeFetch(routes)
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

const ALL = ['view', 'create', 'edit', 'delete'].map((a) => `opportunity_solutions.${a}`)

/** The solutions tab of opportunity 42 (customer 7), as the opportunity page shows it. */
async function mountTab() {
  const wrapper = mountApp(RecordPanel, {
    props: { type: opportunitySolutions, customerId: CUSTOMER, fixed: { opportunity_id: OPP } },
    attachTo: document.body,
  })
  useSessionStore().user = { id: 1, username: 'u', permissions: ALL } as unknown as Me
  await settle()
  return wrapper
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
const input = (name: string) =>
  document.querySelector<HTMLInputElement>(`[data-field="${name}"] input`)!
async function openPicker(name: string) {
  document.querySelector<HTMLElement>(`[data-field="${name}"] .el-select__wrapper`)!.click()
  await settle()
}
async function type(name: string, text: string) {
  const el = input(name)
  el.value = text
  el.dispatchEvent(new Event('input'))
  await settle()
}
async function choose(text: string) {
  const option = await waitFor(() =>
    [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find(
      (o) => o.textContent?.trim() === text && !o.closest('[style*="display: none"]'),
    ),
  )
  expect(option, `the option ${text}`).toBeTruthy()
  option!.click()
  await settle()
}
/** The names the picker's tags show. */
const tags = (name: string) =>
  [...document.querySelectorAll(`[data-field="${name}"] .el-select__tags-text`)].map((t) =>
    t.textContent?.trim(),
  )

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
  i18n.global.locale.value = 'zh-CN'
})

describe('RecordsSelect in the generic form', () => {
  // A select asks its remote method again (debounced) after a pick: let it ask this test's server.
  afterEach(() => new Promise<void>((resolve) => setTimeout(resolve, 400)))

  it('picks two products by typing part of their names and sends their ids', async () => {
    const fake = fakeServer()
    const wrapper = await mountTab()
    await click(byTestId('record-new')[0])
    expect(document.querySelector('[data-field="product_ids"] .records-select')).toBeTruthy()
    expect(input('product_ids').getAttribute('aria-label')).toBe('方案产品')
    // A set of records is a wide field, not a number.
    expect(document.querySelector('[data-field="product_ids"] .el-input-number')).toBeNull()

    const title = document.querySelector<HTMLInputElement>('[data-field="title"] input')!
    title.value = '移动审批方案'
    title.dispatchEvent(new Event('input'))
    await openPicker('product_ids')
    await type('product_ids', '移动')
    const searched = await waitFor(() =>
      fake.calls.find(
        (c) => c.url.pathname === '/api/v1/products' && c.url.searchParams.get('q') === '移动',
      ),
    )
    expect(searched).toBeTruthy()
    await choose('移动审批模块')
    await type('product_ids', 'GX-BI')
    await choose('经营分析报表')
    expect(tags('product_ids')).toEqual(['移动审批模块', '经营分析报表'])

    await click(byTestId('record-save')[0])
    const post = fake.calls.find((c) => c.method === 'POST')
    expect(post?.body).toEqual({
      title: '移动审批方案',
      product_ids: [502, 503],
      opportunity_id: OPP,
    })
    wrapper.unmount()
  })

  it('editing shows the chosen records by their names, and clearing them sends []', async () => {
    const fake = fakeServer([
      solution({
        need_ids: [61],
        need_names: ['移动端审批'],
        product_ids: [501, 502],
        product_names: ['关系管理标准版', '移动审批模块'],
      }),
    ])
    const wrapper = await mountTab()
    await click(byTestId('record-edit')[0])
    // Before any list is read: the names the record answers.
    expect(tags('product_ids')).toEqual(['关系管理标准版', '移动审批模块'])
    expect(tags('need_ids')).toEqual(['移动端审批'])
    expect(fake.calls.some((c) => c.url.pathname === '/api/v1/products')).toBe(false)

    const select = document.querySelector<HTMLElement>('[data-field="product_ids"] .el-select')!
    select.dispatchEvent(new Event('mouseenter'))
    await settle()
    await click(
      document.querySelector<HTMLElement>('[data-field="product_ids"] .el-select__clear')!,
    )
    expect(tags('product_ids')).toEqual([])
    await click(byTestId('record-save')[0])
    const patch = fake.calls.find((c) => c.method === 'PATCH')
    // Only what changed, with the version read; the needs are kept as they were.
    expect(patch?.body).toEqual({ product_ids: [], version: 3 })
    wrapper.unmount()
  })

  it("offers only the needs of the form's opportunity", async () => {
    const fake = fakeServer()
    const wrapper = await mountTab()
    await click(byTestId('record-new')[0])
    await openPicker('need_ids')
    const asked = await waitFor(() =>
      fake.calls.find((c) => c.url.pathname === `/api/v1/customers/${CUSTOMER}/opportunity_needs`),
    )
    expect(asked!.url.searchParams.get('opportunity_id')).toBe(String(OPP))
    await choose('数据迁移')
    await openPicker('need_ids')
    await choose('移动端审批')
    expect(tags('need_ids')).toEqual(['数据迁移', '移动端审批'])
    const shown = [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].map(
      (o) => o.textContent?.trim(),
    )
    expect(shown).not.toContain('另一机会的需求')
    wrapper.unmount()
  })
})

describe('records fields shown by name', () => {
  const row = {
    id: 5,
    title: '移动审批方案',
    product_ids: [501, 502, 509],
    product_names: ['关系管理标准版', '移动审批模块', null],
  }

  it('fieldText lists the names as the language lists them, #id for one without a name', async () => {
    let shared: ReturnType<typeof useFieldText> | undefined
    const wrapper = mountApp(
      defineComponent({
        setup() {
          shared = useFieldText('opportunity_solutions')
          return () => null
        },
      }),
    )
    const { text } = shared!
    expect(text(PRODUCTS, row)).toBe('关系管理标准版、移动审批模块、#509')
    i18n.global.locale.value = 'en'
    expect(text(PRODUCTS, row)).toBe('关系管理标准版, 移动审批模块, #509')
    expect(text(PRODUCTS, { product_ids: [] })).toBe('')
    expect(text(NEEDS, { need_ids: null })).toBe('')
    wrapper.unmount()
  })

  it('a list cell shows the names', async () => {
    fakeServer()
    const wrapper = mountApp(MetaList, {
      props: { entity: 'opportunity_solutions', fields: [TITLE, PRODUCTS], items: [row] },
      attachTo: document.body,
    })
    await settle()
    const cells = wrapper.findAll('.el-table__body td').map((td) => td.text())
    expect(cells).toEqual(['移动审批方案', '关系管理标准版、移动审批模块、#509'])
    wrapper.unmount()
  })
})
