// The first load (issue 14 item 10): the requests that need not wait for each other are sent
// together, and the Element Plus components of signed-in pages come after the login page.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { RouterView, createMemoryHistory, createRouter } from 'vue-router'
import { setToken } from '@/api/client'
import type { Me } from '@/api/types'
import { i18n } from '@/i18n'
import { useCustomers } from '@/modules/customers/useCustomers'
import { installGuards, routes } from '@/router'
import { useSessionStore } from '@/stores/session'
import { CUSTOMER_FIELDS, flush } from './helpers'

const SALES = {
  id: 5,
  username: 'zhang.wei',
  display_name: '张伟',
  role: { id: 3, name: 'sales', data_scope: 'self', permissions: ['customers.view'] },
  permissions: ['customers.view'],
}

/**
 * A fetch stand-in whose answers wait until released: which requests are in flight at the same
 * time shows which ones wait for another.
 */
function heldFetch(answers: Record<string, unknown>) {
  const sent: string[] = []
  const held: (() => void)[] = []
  const fn = (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost')
    const key = `${init.method ?? 'GET'} ${url.pathname}`
    sent.push(key)
    return new Promise<Response>((resolve) => {
      held.push(() =>
        resolve(
          new Response(JSON.stringify(answers[key] ?? {}), {
            status: key in answers ? 200 : 404,
            headers: { 'Content-Type': 'application/json' },
          }),
        ),
      )
    })
  }
  /** Answers every request sent so far. */
  const release = async () => {
    for (const answer of held.splice(0)) answer()
    await flush()
  }
  return { fn: fn as unknown as typeof fetch, sent, release }
}

/** The list page's own part: its list, started as the page starts it. */
let pageList!: ReturnType<typeof useCustomers>
let pageStarted!: Promise<void>
const ListPage = defineComponent({
  setup() {
    pageList = useCustomers()
    pageStarted = pageList.start()
    return () => h('div')
  },
})

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  vi.unstubAllGlobals()
  setToken(null)
})

describe('first load', () => {
  it('asks for the user and their settings together once the password is accepted', async () => {
    const net = heldFetch({
      'POST /api/v1/auth/login': { token: 't', user: SALES },
      'GET /api/v1/me': SALES,
      'GET /api/v1/me/settings': {},
    })
    vi.stubGlobal('fetch', net.fn)
    const login = useSessionStore().login('zhang.wei', 'demo1234')
    await flush()
    expect(net.sent).toEqual(['POST /api/v1/auth/login'])
    await net.release()
    // Both out before either is answered.
    expect(net.sent.slice(1).sort()).toEqual(['GET /api/v1/me', 'GET /api/v1/me/settings'])
    await net.release()
    await login
    expect(useSessionStore().isLoggedIn).toBe(true)
  })

  it('asks for the customer list beside its fields and settings, not after them', async () => {
    const net = heldFetch({
      'GET /api/v1/meta/customers': { entity: 'customers', fields: CUSTOMER_FIELDS },
      'GET /api/v1/me/settings': {},
      'GET /api/v1/customers': { items: [], total: 0, page: 1, page_size: 20 },
    })
    vi.stubGlobal('fetch', net.fn)
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/customers', name: 'customers', component: ListPage }],
    })
    await router.push('/customers')
    mount({ render: () => h(RouterView) }, { global: { plugins: [router, i18n] } })
    await flush()
    expect([...net.sent].sort()).toEqual([
      'GET /api/v1/customers',
      'GET /api/v1/me/settings',
      'GET /api/v1/meta/customers',
    ])
    await net.release()
    await pageStarted
  })

  it('starts fetching the page a login leads to while the password is checked', async () => {
    const net = heldFetch({
      'GET /api/v1/me': SALES,
      'POST /api/v1/auth/login': { token: 't', user: SALES },
      'GET /api/v1/me/settings': {},
      'GET /api/v1/meta/customers': { entity: 'customers', fields: CUSTOMER_FIELDS },
    })
    vi.stubGlobal('fetch', net.fn)
    const router = createRouter({ history: createMemoryHistory(), routes })
    installGuards(router)
    // A login with nowhere asked for leads to the to-do page (#15).
    const todo = router.getRoutes().find((r) => r.name === 'todo')!
    const loader = vi.fn(() => Promise.resolve({ default: { render: () => null } }))
    todo.components = { default: loader }
    const login = useSessionStore().login('zhang.wei', 'demo1234')
    await flush()
    expect(loader).toHaveBeenCalled() // before the server answered the login
    expect(net.sent).toEqual(['POST /api/v1/auth/login'])
    await net.release()
    await net.release()
    await login
  })

  // A login asked to lead to the customer list (/login?redirect=/customers).
  async function signInThenOpenList(net: ReturnType<typeof heldFetch>, as = SALES) {
    vi.stubGlobal('fetch', net.fn)
    const router = createRouter({ history: createMemoryHistory(), routes })
    await router.push('/login?redirect=/customers')
    installGuards(router)
    const login = useSessionStore().login('zhang.wei', 'demo1234')
    await net.release() // the login
    await net.release() // /me and the settings
    await login
    await flush()
    const signedIn = [...net.sent]
    await net.release() // the fields and, asked ahead, the list's first page
    useSessionStore().user = as as unknown as Me
    const pageRouter = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/customers', name: 'customers', component: ListPage }],
    })
    await pageRouter.push('/customers')
    mount({ render: () => h(RouterView) }, { global: { plugins: [pageRouter, i18n] } })
    const rowsAtOnce = pageList.items.value.map((c) => c.id)
    await net.release()
    return { signedIn, rowsAtOnce, list: pageList }
  }
  const firstPage = { items: [{ id: 7, name: '杭州星辰科技' }], total: 1, page: 1, page_size: 20 }
  const answers = {
    'POST /api/v1/auth/login': { token: 't', user: SALES },
    'GET /api/v1/me': SALES,
    'GET /api/v1/me/settings': {},
    'GET /api/v1/meta/customers': { entity: 'customers', fields: CUSTOMER_FIELDS },
    'GET /api/v1/customers': firstPage,
  }
  const listRequests = (sent: string[]) => sent.filter((s) => s === 'GET /api/v1/customers')

  it('asks for the list’s first rows once signed in; the list page shows them at once', async () => {
    const net = heldFetch(answers)
    const { signedIn, rowsAtOnce, list } = await signInThenOpenList(net)
    // Beside the fields, before the page exists...
    expect(listRequests(signedIn)).toHaveLength(1)
    expect(signedIn).toContain('GET /api/v1/meta/customers')
    // ...and the page is built with them, without asking again.
    expect(rowsAtOnce).toEqual([7])
    expect(listRequests(net.sent)).toHaveLength(1)
    expect(list.loading.value).toBe(false)
  })

  it('never shows one user the rows fetched for another', async () => {
    const net = heldFetch(answers)
    const { rowsAtOnce } = await signInThenOpenList(net, { ...SALES, id: 6 })
    expect(rowsAtOnce).toEqual([])
    expect(listRequests(net.sent)).toHaveLength(2) // the page asked for its own
  })
})
