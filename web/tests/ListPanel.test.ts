import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, shallowRef } from 'vue'
import type { VueWrapper } from '@vue/test-utils'
import type { ListParams } from '@/api/types'
import ListPanel from '@/components/common/ListPanel.vue'
import { useIsPhone } from '@/composables/useBreakpoint'
import { useList } from '@/composables/useList'
import { flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 6; i++) await flush()
}

type Row = { id: number }
function server(total = 45) {
  return vi.fn(async (params: ListParams) => ({
    items: [{ id: Number(params.page) }] as Row[],
    total,
    page: Number(params.page),
    page_size: Number(params.page_size),
  }))
}

/** A page with a ListPanel over one useList (or over whichever list `shown` holds). */
function mountPanel(props: Record<string, unknown> = {}, fetch = server()) {
  let list!: ReturnType<typeof useList<Row>>
  let other!: ReturnType<typeof useList<Row>>
  const shown = shallowRef<ReturnType<typeof useList<Row>> | null>(null)
  const Host = defineComponent({
    setup() {
      list = useList<Row>(fetch, { defaultPageSize: 20 })
      other = useList<Row>(fetch, { defaultPageSize: 20, fixed: { deleted: 'true' } })
      shown.value = list
      void list.load()
      return () =>
        h(
          ListPanel,
          { list: shown.value!, ...props },
          {
            toolbar: () => h('button', { class: 'own-tool' }, '筛选'),
            filters: () => h('p', { class: 'own-filters' }, 'filters'),
            default: () =>
              h(
                'ul',
                { class: 'rows' },
                shown.value!.items.value.map((r) => h('li', r.id)),
              ),
          },
        )
    },
  })
  const wrapper = mountApp(Host, { attachTo: document.body })
  return {
    wrapper,
    fetch,
    list: () => list,
    other: () => other,
    show: (which: 'list' | 'other') => (shown.value = which === 'list' ? list : other),
  }
}

const lastParams = (fetch: ReturnType<typeof server>) => fetch.mock.calls.at(-1)![0]

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
  useIsPhone().value = false
  vi.useRealTimers()
})

describe('ListPanel', () => {
  it('renders the toolbar, filters and list slots, and the total in the pager', async () => {
    const panel = mountPanel({ searchLabel: '搜索客户' })
    mounted = panel.wrapper
    await settle()
    expect(mounted.find('.gx-toolbar .own-tool').exists()).toBe(true)
    expect(mounted.find('.own-filters').exists()).toBe(true)
    expect(mounted.find('.list-panel-body .rows li').text()).toBe('1')
    expect(mounted.find('.el-pagination__total').text()).toContain('45')
    expect(mounted.find('input[aria-label="搜索客户"]').exists()).toBe(true)
    expect(mounted.classes()).toContain('gx-panel')
  })

  it('a page click asks the list for that page', async () => {
    const panel = mountPanel()
    mounted = panel.wrapper
    await settle()
    await mounted
      .findAll('.el-pager li')
      .find((li) => li.text() === '3')!
      .trigger('click')
    await settle()
    expect(panel.list().state.page).toBe(3)
    expect(lastParams(panel.fetch).page).toBe(3)
    expect(mounted.find('.rows li').text()).toBe('3')
    await mounted.find('.btn-prev').trigger('click')
    await settle()
    expect(lastParams(panel.fetch).page).toBe(2)
  })

  it('offers page sizes when given; a new size starts again at page 1', async () => {
    const panel = mountPanel({ pageSizes: [20, 50, 100] })
    mounted = panel.wrapper
    await settle()
    expect(mounted.find('.el-pagination__sizes').exists()).toBe(true)
    panel.list().update({ page: 2 })
    await settle()
    mounted.findComponent({ name: 'ElPagination' }).vm.$emit('update:page-size', 50)
    await settle()
    expect(lastParams(panel.fetch)).toMatchObject({ page: 1, page_size: 50 })
  })

  it('searches after a pause, at once on Enter, and back to page 1', async () => {
    const panel = mountPanel({ searchLabel: '搜索', searchTestid: 'the-search' })
    mounted = panel.wrapper
    await settle()
    panel.list().update({ page: 2 })
    await settle()
    vi.useFakeTimers()
    const input = mounted.find('input[data-testid="the-search"]')
    await input.setValue('  华东 ')
    const before = panel.fetch.mock.calls.length
    vi.advanceTimersByTime(200)
    expect(panel.fetch.mock.calls.length).toBe(before)
    vi.advanceTimersByTime(200)
    vi.useRealTimers()
    await settle()
    expect(lastParams(panel.fetch)).toMatchObject({ q: '华东', page: 1 })

    await input.setValue('华南')
    await input.trigger('keyup', { key: 'Enter' })
    await settle()
    expect(lastParams(panel.fetch)).toMatchObject({ q: '华南' })
    // The box follows the list when its q changes elsewhere (back, reload).
    panel.list().update({ q: '华北' })
    await settle()
    expect((input.element as HTMLInputElement).value).toBe('华北')
  })

  it('follows another list: its own search text and pages', async () => {
    const panel = mountPanel({ searchLabel: '搜索' })
    mounted = panel.wrapper
    await settle()
    panel.list().update({ q: '甲' })
    await settle()
    panel.show('other')
    await panel.other().load()
    await settle()
    expect((mounted.find('input[aria-label="搜索"]').element as HTMLInputElement).value).toBe('')
    await mounted
      .findAll('.el-pager li')
      .find((li) => li.text() === '2')!
      .trigger('click')
    await settle()
    expect(panel.other().state.page).toBe(2)
    expect(panel.list().state.page).toBe(1)
    expect(lastParams(panel.fetch)).toMatchObject({ page: 2, deleted: 'true' })
  })

  it("shows the list's error, or the one given", async () => {
    const failing = vi.fn(async () => {
      throw new Error('网络不通')
    })
    const panel = mountPanel({}, failing as unknown as ReturnType<typeof server>)
    mounted = panel.wrapper
    await settle()
    expect(mounted.find('[role="alert"]').text()).toContain('网络不通')
    mounted.unmount()
    mounted = mountPanel({ error: '元数据加载失败' }).wrapper
    await settle()
    expect(mounted.find('[role="alert"]').text()).toContain('元数据加载失败')
  })

  it('at phone width: a shorter pager; bare drops the panel chrome; a single page can hide', async () => {
    useIsPhone().value = true
    const panel = mountPanel({ bare: true })
    mounted = panel.wrapper
    await settle()
    expect(mounted.classes()).not.toContain('gx-panel')
    expect(mounted.find('.el-pagination__total').exists()).toBe(false)
    expect(mounted.findAll('.el-pager li').length).toBeLessThanOrEqual(5)
    mounted.unmount()
    mounted = mountPanel({ hideOnSinglePage: true }, server(3)).wrapper
    await settle()
    expect(mounted.find('.el-pagination').exists()).toBe(false)
  })
})
