// The opportunity page (issue 16): its head (status, customer, facts), its timeline told in
// sentences (a stage change by the stages' names), the stage history, the records on it fixed to
// it, and the writes — move, lost with a reason — each with the version read; a stale version
// says so and reads it again. Both languages.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import type { EntityMeta, KitRecord, Me } from '@/api/types'
import { i18n } from '@/i18n'
import OpportunityPage from '@/modules/pipeline/OpportunityPage.vue'
import { useSessionStore } from '@/stores/session'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 10; i++) await flush()
}

const OPP_META: EntityMeta = {
  entity: 'opportunities',
  collection: '/api/v1/opportunities',
  visibility: 'own_scope',
  label: { 'zh-CN': '销售机会', en: 'Opportunity' },
  fields: [
    {
      name: 'name',
      type: 'string',
      required: true,
      label_key: 'x',
      label: { 'zh-CN': '机会名称', en: 'Name' },
      list: true,
    },
    {
      name: 'customer_id',
      type: 'integer',
      label_key: 'x',
      label: { 'zh-CN': '客户', en: 'Customer' },
    },
    { name: 'owner_id', type: 'user', label_key: 'x', label: { 'zh-CN': '负责人', en: 'Owner' } },
    { name: 'amount', type: 'money', label_key: 'x', label: { 'zh-CN': '预计金额', en: 'Amount' } },
    {
      name: 'pipeline_id',
      type: 'integer',
      label_key: 'x',
      label: { 'zh-CN': '销售流程', en: 'Pipeline' },
    },
    { name: 'stage_id', type: 'integer', label_key: 'x', label: { 'zh-CN': '阶段', en: 'Stage' } },
    {
      name: 'probability',
      type: 'integer',
      label_key: 'x',
      label: { 'zh-CN': '赢率（%）', en: 'Probability (%)' },
    },
    {
      name: 'status',
      type: 'enum',
      options: ['open', 'won', 'lost'],
      readonly: true,
      label_key: 'x',
      label: { 'zh-CN': '状态', en: 'Status' },
    },
  ],
}
const NEEDS_META: EntityMeta = {
  entity: 'opportunity_needs',
  collection: '/api/v1/customers/{id}/opportunity_needs',
  visibility: 'through_customer',
  label: { 'zh-CN': '客户需求', en: 'Need' },
  fields: [
    {
      name: 'opportunity_id',
      type: 'integer',
      label_key: 'x',
      label: { 'zh-CN': '销售机会', en: 'Opportunity' },
      list: true,
      filter: true,
    },
    {
      name: 'title',
      type: 'string',
      required: true,
      label_key: 'x',
      label: { 'zh-CN': '需求', en: 'Need' },
      list: true,
    },
  ],
}

const stage = (id: number, name: string, name_en: string, position: number, extra = {}) => ({
  id,
  pipeline_id: 1,
  name,
  name_en,
  position,
  probability: position * 10,
  is_won: false,
  is_lost: false,
  ...extra,
})
const STAGES = [
  stage(1, '初步接洽', 'Initial contact', 1),
  stage(2, '需求确认', 'Needs confirmed', 2),
  stage(3, '方案报价', 'Proposal', 3),
  stage(8, '赢单', 'Won', 8, { is_won: true }),
  stage(9, '输单', 'Lost', 9, { is_lost: true }),
]

function opportunity(extra: Partial<KitRecord> = {}): KitRecord {
  return {
    id: 42,
    name: 'CRM 采购',
    customer_id: 7,
    owner_id: 3,
    owner_name: '王销售',
    amount: '86000.00',
    expected_close_on: '2027-03-31',
    pipeline_id: 1,
    stage_id: 2,
    probability: 25,
    status: 'open',
    stale: false,
    version: 2,
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-02T08:00:00Z',
    ...extra,
  } as KitRecord
}

function fakeServer(patch: (body: Record<string, unknown>) => [number, unknown?] = () => [200]) {
  let record = opportunity()
  const fake = fakeFetch({
    'GET /api/v1/meta/opportunities': () => [200, OPP_META],
    'GET /api/v1/meta/opportunity_needs': () => [200, NEEDS_META],
    'GET /api/v1/opportunities/42': () => [200, record],
    'PATCH /api/v1/opportunities/42': (body) => {
      const answer = patch(body as Record<string, unknown>)
      if (answer[0] !== 200) return answer
      const input = body as Record<string, unknown>
      record = { ...record, ...input, version: record.version + 1 } as KitRecord
      if (input.lost_reason) record = { ...record, status: 'lost' } as KitRecord
      return [200, record]
    },
    'GET /api/v1/customers/7': () => [200, { id: 7, name: '华为技术' }],
    'GET /api/v1/pipelines/1': () => [200, { id: 1, name: '标准销售流程', name_en: 'Standard' }],
    'GET /api/v1/pipeline_stages': () => [200, { items: STAGES, total: STAGES.length }],
    'GET /api/v1/opportunities/42/timeline': (_body, url) =>
      url.searchParams.get('cursor') === 'older'
        ? [200, { items: [OLDER], next_cursor: null }]
        : [
            200,
            {
              next_cursor: 'older',
              items: [
                {
                  kind: 'need',
                  record_id: 5,
                  at: '2026-12-03T08:00:00Z',
                  user_id: 4,
                  user_name: '李经理',
                  summary: { title: '数据存在国内', priority: 'high' },
                },
                {
                  kind: 'update',
                  at: '2026-12-02T08:00:00Z',
                  user_id: 3,
                  user_name: '王销售',
                  changes: { stage_id: { before: 1, after: 2 } },
                },
                {
                  kind: 'created',
                  at: '2026-12-01T08:00:00Z',
                  user_id: 3,
                  user_name: '王销售',
                  changes: {
                    name: { before: null, after: 'CRM 采购' },
                    customer_id: { before: null, after: 7 },
                  },
                },
                {
                  kind: 'solution',
                  record_id: 6,
                  at: '2026-11-30T08:00:00Z',
                  user_id: 4,
                  user_name: '李经理',
                  summary: {
                    title: '审批方案',
                    products: '移动端 ×50',
                    product_names: ['审批中心', '移动端'],
                  },
                },
              ],
            },
          ],
    'GET /api/v1/opportunities/42/stage-history': () => [
      200,
      {
        items: [
          {
            stage_id: 1,
            stage_name: '初步接洽',
            stage_name_en: 'Initial contact',
            entered_at: '2026-12-01T08:00:00Z',
            left_at: '2026-12-02T08:00:00Z',
            current: false,
            seconds: 86400,
            days: 1,
          },
          {
            stage_id: 2,
            stage_name: '需求确认',
            stage_name_en: 'Needs confirmed',
            entered_at: '2026-12-02T08:00:00Z',
            left_at: null,
            current: true,
            seconds: 3600,
            days: 0,
          },
        ],
      },
    ],
    'GET /api/v1/customers/7/opportunity_needs': () => [200, { items: [], total: 0 }],
  })
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

// The timeline's second page: an entry older than the first page's.
const OLDER = {
  kind: 'need',
  record_id: 3,
  at: '2026-11-01T08:00:00Z',
  user_id: 4,
  user_name: '李经理',
  summary: { title: '单点登录', priority: 'low' },
}

const EDIT = [
  'opportunities.view',
  'opportunities.edit',
  'opportunity_needs.view',
  'opportunity_needs.create',
  'quotes.view',
]

let mounted: VueWrapper | null = null
async function mountPage(permissions: string[] = EDIT) {
  const pinia = mountApp(OpportunityPage, { props: { id: 42 }, attachTo: document.body })
  useSessionStore().user = { id: 1, username: 'u', permissions } as unknown as Me
  mounted = pinia
  await settle()
  return pinia
}
const byTestId = (id: string) => [
  ...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`),
]
const texts = (id: string) =>
  byTestId(id).map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim())

afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  i18n.global.locale.value = 'zh-CN'
})

describe('OpportunityPage', () => {
  it('shows its head and its timeline in sentences, in both languages', async () => {
    fakeServer()
    const page = await mountPage()
    expect(texts('opportunity-name')).toEqual(['CRM 采购'])
    expect(texts('opportunity-status')).toEqual(['进行中'])
    expect(texts('opportunity-customer')[0]).toContain('华为技术')
    expect(texts('opportunity-amount')).toEqual(['86,000.00'])
    expect(texts('opportunity-stage-name')).toEqual(['需求确认'])
    expect(page.text()).toContain('王销售')
    const entries = texts('opportunity-timeline-entry')
    expect(entries[0]).toContain('李经理 新建了客户需求「数据存在国内」')
    expect(entries[0]).toContain('高')
    expect(entries[1]).toContain('王销售 修改了销售机会「CRM 采购」')
    // A stage and the customer by their names, not their numbers.
    // (the colon after a label is the style's)
    const changes = texts('opportunity-change')
    expect(changes).toContain('阶段初步接洽 → 需求确认')
    expect(changes).toContain('客户华为技术')
    // A solution by the names of its products, not its notes.
    expect(entries[3]).toContain('审批中心、移动端')
    expect(entries[3]).not.toContain('×50')
    i18n.global.locale.value = 'en'
    await settle()
    expect(texts('opportunity-status')).toEqual(['Open'])
    const en = texts('opportunity-timeline-entry')
    expect(en[0]).toContain('李经理 created need “数据存在国内”')
    expect(en[0]).toContain('High')
    expect(en[3]).toContain('审批中心, 移动端')
    expect(texts('opportunity-change')).toContain('StageInitial contact → Needs confirmed')
  })

  it('reads older timeline entries on "load more", until there are none', async () => {
    const fake = fakeServer()
    await mountPage()
    expect(texts('opportunity-timeline-entry')).toHaveLength(4)
    byTestId('timeline-more')[0]!.click()
    await settle()
    const entries = texts('opportunity-timeline-entry')
    expect(entries).toHaveLength(5)
    expect(entries[4]).toContain('单点登录')
    const asked = fake.calls.filter((c) => c.url.pathname.endsWith('/timeline'))
    expect(asked.at(-1)!.url.searchParams.get('cursor')).toBe('older')
    expect(byTestId('timeline-more')).toHaveLength(0)
  })

  it('lists the stage history with the days spent', async () => {
    fakeServer()
    await mountPage()
    ;(document.querySelector('#tab-stages') as HTMLElement).click()
    await settle()
    const rows = [
      ...document.querySelectorAll('[data-testid="opportunity-stage-history"] .el-table__body tr'),
    ]
    expect(rows).toHaveLength(2)
    expect(rows[0]!.textContent).toContain('初步接洽')
    expect(rows[0]!.textContent).toContain('1 天')
    expect(rows[1]!.textContent).toContain('当前')
  })

  it('moves it to another stage with the version read, and reads it again', async () => {
    const fake = fakeServer()
    const page = await mountPage()
    const select = page
      .findAllComponents({ name: 'ElSelect' })
      .find((c) => c.attributes('data-testid') === 'opportunity-stage')
    expect(select, 'the stage select').toBeTruthy()
    // Open stages only: won and lost are actions of their own.
    expect(select!.findAllComponents({ name: 'ElOption' }).map((o) => o.props('label'))).toEqual([
      '初步接洽',
      '需求确认',
      '方案报价',
    ])
    select!.vm.$emit('update:modelValue', 3)
    await settle()
    const patch = fake.calls.find((c) => c.method === 'PATCH')!
    expect(patch.body).toEqual({ stage_id: 3, version: 2 })
    await waitFor(() => texts('opportunity-stage-name')[0] === '方案报价' || null)
    expect(texts('opportunity-stage-name')).toEqual(['方案报价'])
  })

  it('says when someone changed it first, and reads it again', async () => {
    const fake = fakeServer(() => [409, { error: { code: 'stale_version', message: 'stale' } }])
    const page = await mountPage()
    const reads = () =>
      fake.calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/v1/opportunities/42')
        .length
    const before = reads()
    const select = page
      .findAllComponents({ name: 'ElSelect' })
      .find((c) => c.attributes('data-testid') === 'opportunity-stage')!
    select.vm.$emit('update:modelValue', 3)
    await settle()
    expect(reads()).toBe(before + 1)
    const message = await waitFor(() => document.querySelector('.el-message'))
    expect(message?.textContent).toContain('已被他人修改')
  })

  it('marks it lost with a reason from the fixed list', async () => {
    const fake = fakeServer()
    await mountPage()
    byTestId('opportunity-lost')[0]!.click()
    await settle()
    const dialog = await waitFor(() => byTestId('lost-dialog')[0])
    expect(dialog).toBeTruthy()
    const confirm = byTestId('lost-confirm')[0] as HTMLButtonElement
    expect(confirm.disabled, 'no reason yet').toBe(true)
    const select = mounted!
      .findAllComponents({ name: 'ElSelect' })
      .find((c) => c.attributes('data-testid') === 'lost-reason')!
    select.vm.$emit('update:modelValue', 'price')
    await settle()
    confirm.click()
    await settle()
    const patch = fake.calls.find((c) => c.method === 'PATCH')!
    expect(patch.body).toEqual({ stage_id: 9, lost_reason: 'price', version: 2 })
    await waitFor(() => texts('opportunity-status')[0] === '输单' || null)
    expect(texts('opportunity-status')).toEqual(['输单'])
    // Closed: no more moves.
    expect(byTestId('opportunity-stage')).toHaveLength(0)
  })

  it('offers no writes without opportunities.edit', async () => {
    fakeServer()
    await mountPage(['opportunities.view'])
    for (const id of [
      'opportunity-stage',
      'opportunity-won',
      'opportunity-lost',
      'opportunity-edit',
    ])
      expect(byTestId(id), id).toHaveLength(0)
  })

  it('has a tab per record on it the user may see, each listing only this opportunity’s', async () => {
    const fake = fakeServer()
    await mountPage()
    const tabs = [...document.querySelectorAll('.el-tabs__item')].map((el) =>
      el.textContent?.trim(),
    )
    expect(tabs).toEqual(['动态', '阶段历史', '客户需求', '报价'])
    ;(document.querySelector('#tab-opportunity_needs') as HTMLElement).click()
    await settle()
    const list = fake.calls.find((c) => c.url.pathname === '/api/v1/customers/7/opportunity_needs')!
    expect(list.url.searchParams.get('opportunity_id')).toBe('42')
  })

  it('says so when the opportunity is not there', async () => {
    fakeFetch({})
    vi.stubGlobal(
      'fetch',
      fakeFetch({ 'GET /api/v1/meta/opportunities': () => [200, OPP_META] }).fn,
    )
    await mountPage()
    expect(document.body.textContent).toContain('该销售机会不存在，或您无权查看。')
  })
})
