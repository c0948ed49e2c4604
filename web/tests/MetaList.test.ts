import { afterEach, describe, expect, it } from 'vitest'
import MetaList from '@/components/meta/MetaList.vue'
import { useIsPhone } from '@/composables/useBreakpoint'
import { i18n } from '@/i18n'
import { CUSTOMER_FIELDS, flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 5; i++) await flush()
}

const items = [
  {
    id: 1,
    name: '杭州星辰科技有限公司',
    category: 'core',
    owner_id: 5,
    owner_name: '张伟',
    phone: '13800000001',
  },
  {
    id: 2,
    name: '上海明月贸易有限公司',
    category: 'interested',
    owner_id: null,
    owner_name: null,
    phone: null,
  },
]

afterEach(() => {
  useIsPhone().value = false
  i18n.global.locale.value = 'zh-CN'
})

describe('MetaList', () => {
  it('shows a table with the listed fields and translated option labels on a wide screen', async () => {
    const wrapper = mountApp(MetaList, {
      props: { entity: 'customers', fields: CUSTOMER_FIELDS, items },
    })
    await settle()
    const headers = wrapper.findAll('.el-table__header th').map((th) => th.find('.cell').text())
    expect(headers).toEqual(['客户名称', '客户类别', '负责人', '电话', '下次联系'])
    expect(wrapper.find('.meta-card').exists()).toBe(false)
    const text = wrapper.text()
    expect(text).toContain('核心')
    expect(text).toContain('有意向')
    expect(text).toContain('张伟')
  })

  it('shows only the chosen columns, title first', async () => {
    const wrapper = mountApp(MetaList, {
      props: { entity: 'customers', fields: CUSTOMER_FIELDS, items, columns: ['phone', 'name'] },
    })
    await settle()
    expect(wrapper.findAll('.el-table__header th').map((th) => th.find('.cell').text())).toEqual([
      '客户名称',
      '电话',
    ])
  })

  it('renders cards at phone width, with every shown field labelled', async () => {
    useIsPhone().value = true
    const wrapper = mountApp(MetaList, {
      props: { entity: 'customers', fields: CUSTOMER_FIELDS, items, selectable: true },
    })
    await settle()
    expect(wrapper.find('.el-table').exists()).toBe(false)
    const cards = wrapper.findAll('.meta-card')
    expect(cards).toHaveLength(2)
    expect(cards[0]!.find('.meta-card-title').text()).toBe('杭州星辰科技有限公司')
    expect(cards[0]!.findAll('dt').map((dt) => dt.text())).toEqual([
      '客户类别',
      '负责人',
      '电话',
      '下次联系',
    ])
    // Each card's checkbox is named by the customer for screen readers.
    expect(
      cards[1]!.find('.el-checkbox').attributes('aria-label') ??
        cards[1]!.find('input').attributes('aria-label'),
    ).toBe('上海明月贸易有限公司')
  })

  it('emits the selection when a card is checked', async () => {
    useIsPhone().value = true
    const wrapper = mountApp(MetaList, {
      props: {
        entity: 'customers',
        fields: CUSTOMER_FIELDS,
        items,
        selectable: true,
        selected: [],
      },
    })
    await settle()
    await wrapper.findAll('.meta-card input[type="checkbox"]')[1]!.setValue(true)
    expect(wrapper.emitted('update:selected')?.[0]?.[0]).toEqual([items[1]])
  })

  it('switches labels with the language', async () => {
    i18n.global.locale.value = 'en'
    const wrapper = mountApp(MetaList, {
      props: { entity: 'customers', fields: CUSTOMER_FIELDS, items },
    })
    await settle()
    expect(wrapper.findAll('.el-table__header th').map((th) => th.find('.cell').text())).toContain(
      'Category',
    )
    expect(wrapper.text()).toContain('Core')
  })
})
