import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TimelineEntry, TimelineKind, TimelinePage } from '@/api/timeline'
import { i18n } from '@/i18n'
import TimelinePanel from '@/modules/customers/TimelinePanel.vue'
import { fakeFetch, flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

const CUSTOMER = 7
const PATH = `/api/v1/customers/${CUSTOMER}/timeline`

// The server's kinds; a "document" kind the web has no special view for is rendered from its
// fields, as every record type that joins the timeline later will be.
const KINDS: TimelineKind[] = [
  {
    kind: 'followup',
    label: { 'zh-CN': '跟进记录', en: 'Follow-up' },
    record_type: 'followups',
    fields: [],
  },
  {
    kind: 'deal',
    label: { 'zh-CN': '成交记录', en: 'Deal' },
    record_type: 'deals',
    fields: [
      { name: 'amount', type: 'money', label: { 'zh-CN': '成交金额', en: 'Amount' } },
      { name: 'description', type: 'text', label: { 'zh-CN': '说明', en: 'Description' } },
    ],
  },
  {
    kind: 'prepayment',
    label: { 'zh-CN': '预收款', en: 'Prepayment' },
    record_type: 'prepayments',
    fields: [{ name: 'method', type: 'enum', label: { 'zh-CN': '收款方式', en: 'Method' } }],
  },
  {
    kind: 'document',
    label: { 'zh-CN': '文档', en: 'Document' },
    record_type: 'documents',
    fields: [{ name: 'file_name', type: 'string', label: { 'zh-CN': '文件名', en: 'File name' } }],
  },
  {
    kind: 'payment',
    label: { 'zh-CN': '回款', en: 'Payment' },
    record_type: 'payments',
    fields: [
      { name: 'kind', type: 'enum', label: { 'zh-CN': '类型', en: 'Kind' } },
      {
        name: 'contract_id',
        type: 'integer',
        label: { 'zh-CN': '合同', en: 'Contract' },
        name_member: 'contract_name',
      },
    ],
  },
  {
    kind: 'ownership',
    label: { 'zh-CN': '归属变更', en: 'Ownership change' },
    record_type: null,
    fields: [],
  },
]

const ALICE = { id: 3, name: '张伟' }
function entry(
  kind: string,
  id: number,
  at: string,
  summary: Record<string, unknown>,
): TimelineEntry {
  const known = KINDS.find((k) => k.kind === kind)!
  const on = /T00:00:00Z$/.test(at) && kind !== 'followup' ? at.slice(0, 10) : null
  return { kind, id, at, on, actor: ALICE, summary, record_type: known.record_type }
}

const ENTRIES: TimelineEntry[] = [
  entry('ownership', 1, '2026-12-01T08:00:00Z', {
    change: 'transfer',
    from_user_id: 2,
    from_user_name: '李娜',
    to_user_id: 3,
    to_user_name: '张伟',
    reason: '区域调整',
  }),
  entry('followup', 11, '2026-11-30T02:00:00Z', {
    kind: 'visit',
    content: '上门拜访，客户确认报价',
    next_contact_at: null,
  }),
  entry('deal', 21, '2026-11-29T00:00:00Z', { amount: '12800.00', description: '年度服务合同' }),
  entry('prepayment', 31, '2026-11-28T00:00:00Z', { amount: '500.00', method: 'wechat' }),
  entry('document', 41, '2026-11-27T08:00:00Z', { file_name: '合同扫描件.pdf' }),
  entry('payment', 51, '2026-11-26T00:00:00Z', {
    kind: 'refund',
    contract_id: 9,
    contract_name: 'HT-2026-000009',
  }),
]

/** Pages of 2 by cursor "p<n>"; ?kinds= filters. Records every request. */
function fakeServer() {
  const fake = fakeFetch({
    [`GET ${PATH}`]: (_body, url) => {
      const kinds = url.searchParams.get('kinds')?.split(',')
      const all = ENTRIES.filter((e) => !kinds || kinds.includes(e.kind))
      const start = Number(url.searchParams.get('cursor')?.slice(1) ?? 0)
      const items = all.slice(start, start + 2)
      const page: TimelinePage = {
        items,
        next_cursor: start + 2 < all.length ? `p${start + 2}` : null,
        kinds: KINDS,
      }
      return [200, page]
    },
  })
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

async function mountPanel(tabs = ['followups', 'history', 'deals', 'prepayments']) {
  const wrapper = mountApp(TimelinePanel, { props: { customerId: CUSTOMER, tabs } })
  await settle()
  return wrapper
}

const kindsShown = (wrapper: ReturnType<typeof mountApp>) =>
  wrapper.findAll('.el-timeline-item').map((item) => item.attributes('data-kind'))

describe('TimelinePanel', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    i18n.global.locale.value = 'zh-CN'
  })

  it('shows every kind newest first, each in its own words, and loads more by cursor', async () => {
    const fake = fakeServer()
    const wrapper = await mountPanel()
    expect(kindsShown(wrapper)).toEqual(['ownership', 'followup'])
    const text = wrapper.text()
    expect(text).toContain('李娜 → 张伟')
    expect(text).toContain('区域调整')
    expect(text).toContain('拜访')
    expect(text).toContain('上门拜访，客户确认报价')
    expect(text).toContain('经办人：张伟')

    await wrapper.get('[data-testid="timeline-more"]').trigger('click')
    await settle()
    expect(fake.calls.at(-1)!.url.searchParams.get('cursor')).toBe('p2')
    await wrapper.get('[data-testid="timeline-more"]').trigger('click')
    await settle()
    expect(kindsShown(wrapper)).toEqual([
      'ownership',
      'followup',
      'deal',
      'prepayment',
      'document',
      'payment',
    ])
    // A deal's fields by the server's labels, money and options as the rest of the app shows them.
    const text2 = wrapper.text()
    expect(text2).toContain('成交金额')
    expect(text2).toContain('12,800.00')
    expect(text2).toContain('微信支付')
    // A kind the web has no view of: its fields, from the server's description.
    expect(text2).toContain('文件名')
    expect(text2).toContain('合同扫描件.pdf')
    // A payment's kind in words and its contract by number, not by id.
    expect(text2).toContain('退款')
    expect(text2).toContain('合同HT-2026-000009')
    // The end: no more button.
    expect(wrapper.find('[data-testid="timeline-more"]').exists()).toBe(false)
    expect(text2).toContain('没有更多了')
  })

  it('filters by kind: the chosen kinds go to the server and a new read starts', async () => {
    const fake = fakeServer()
    const wrapper = await mountPanel()
    const tag = (kind: string) => wrapper.get(`.kind-chip[data-kind="${kind}"]`)
    await tag('deal').trigger('click')
    await settle()
    expect(fake.calls.at(-1)!.url.searchParams.get('kinds')).toBe('deal')
    expect(fake.calls.at(-1)!.url.searchParams.get('cursor')).toBeNull()
    expect(kindsShown(wrapper)).toEqual(['deal'])
    expect(tag('deal').attributes('aria-pressed')).toBe('true')
    await tag('prepayment').trigger('click')
    await settle()
    expect(fake.calls.at(-1)!.url.searchParams.get('kinds')).toBe('deal,prepayment')
    expect(kindsShown(wrapper)).toEqual(['deal', 'prepayment'])
    // "All" drops the filter.
    await wrapper.findAll('.kind-chip')[0]!.trigger('click')
    await settle()
    expect(fake.calls.at(-1)!.url.searchParams.get('kinds')).toBeNull()
    expect(kindsShown(wrapper)).toEqual(['ownership', 'followup'])
  })

  it('opens an entry’s own tab, and only where the page has one', async () => {
    fakeServer()
    const wrapper = await mountPanel()
    const opens = wrapper.findAll('.entry-head .open')
    expect(opens).toHaveLength(2)
    await opens[1]!.trigger('click')
    expect(wrapper.emitted('open')?.[0]?.[0]).toBe('followups')
    await opens[0]!.trigger('click')
    expect(wrapper.emitted('open')?.[1]?.[0]).toBe('history')
  })

  it('speaks English', async () => {
    i18n.global.locale.value = 'en'
    fakeServer()
    const wrapper = await mountPanel()
    expect(wrapper.text()).toContain('Ownership change')
    expect(wrapper.text()).toContain('by 张伟')
    expect(wrapper.text()).toContain('Load more')
  })
})
