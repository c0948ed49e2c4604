import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { RouterView, createMemoryHistory, createRouter } from 'vue-router'
import { useList } from '@/composables/useList'
import type { ListParams } from '@/api/types'
import { flush } from './helpers'

function setup() {
  const fetch = vi.fn(async (params: ListParams) => ({
    items: [{ id: 1 }],
    total: 41,
    page: Number(params.page),
    page_size: 20,
  }))
  let list!: ReturnType<typeof useList<{ id: number }>>
  const Page = defineComponent({
    setup() {
      list = useList(fetch, { syncRoute: true, defaultSort: '-updated_at' })
      return () => h('div')
    },
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/customers', name: 'customers', component: Page },
      { path: '/customers/:id', name: 'customer', component: { render: () => h('p') } },
    ],
  })
  return {
    fetch,
    router,
    get list() {
      return list
    },
  }
}

describe('useList', () => {
  it('reads its state from the address and sends it to the server', async () => {
    const env = setup()
    await env.router.push('/customers?q=科技&page=2&category=core')
    mount({ render: () => h(RouterView) }, { global: { plugins: [env.router] } })
    await env.list.load()
    expect(env.fetch).toHaveBeenLastCalledWith(
      expect.objectContaining({ q: '科技', page: 2, sort: '-updated_at', category: 'core' }),
    )
  })

  it('writes changes to the address, back to page 1 unless only the page changed', async () => {
    const env = setup()
    await env.router.push('/customers?page=3')
    mount({ render: () => h(RouterView) }, { global: { plugins: [env.router] } })
    env.list.update({ q: '华为' })
    await flush()
    await flush()
    expect(env.router.currentRoute.value.query).toEqual({ q: '华为' })
    env.list.update({ page: 2 })
    await flush()
    await flush()
    expect(env.router.currentRoute.value.query).toEqual({ q: '华为', page: '2' })
    expect(env.fetch).toHaveBeenLastCalledWith(expect.objectContaining({ q: '华为', page: 2 }))
  })
})
