import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { request } from '@/api/client'
import { installGuards, routes } from '@/router'
import { useSessionStore } from '@/stores/session'
import { fakeFetch } from './helpers'

const SALES = {
  id: 5,
  username: 'zhang.wei',
  display_name: '张伟',
  role: { id: 3, name: 'sales', data_scope: 'self', permissions: ['customers.view'] },
  permissions: ['customers.view'],
}

function makeRouter() {
  const router = createRouter({ history: createMemoryHistory(), routes })
  installGuards(router)
  return router
}

beforeEach(() => {
  setActivePinia(createPinia())
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('route guards', () => {
  it('sends a visitor without a session to login, remembering the page', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/me': () => [401, { error: { code: 'unauthenticated', message: '' } }],
      }).fn,
    )
    const router = makeRouter()
    await router.push('/customers?q=科技')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.redirect).toMatch(
      /^\/customers\?q=(科技|%E7%A7%91%E6%8A%80)$/,
    )
  })

  it('lets a signed-in user in, and hides pages their role may not use', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/v1/me': () => [200, SALES] }).fn)
    const router = makeRouter()
    await router.push('/customers')
    expect(router.currentRoute.value.name).toBe('customers')
    await router.push('/admin/users')
    expect(router.currentRoute.value.name).toBe('not-found')
  })

  it('opens the departments page for departments.edit, not for users.manage alone', async () => {
    const as = (permissions: string[]) => ({ ...SALES, permissions })
    let me = as(['customers.view', 'users.manage', 'departments.view'])
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/v1/me': () => [200, me] }).fn)
    let router = makeRouter()
    await router.push('/admin/departments')
    expect(router.currentRoute.value.name).toBe('not-found')

    setActivePinia(createPinia())
    me = as(['customers.view', 'departments.view', 'departments.edit'])
    router = makeRouter()
    await router.push('/admin/departments')
    expect(router.currentRoute.value.name).toBe('departments')
  })

  it('titles a /records/<name> page after its type, and has none for a customer tab', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/v1/me': () => [200, SALES] }).fn)
    const router = makeRouter()
    await router.push('/records/mailings')
    // The page answers "not found" itself; the route has no type's title to show.
    expect(router.currentRoute.value.name).toBe('records')
    expect(router.currentRoute.value.meta.title).toBeUndefined()
  })

  it('sends the user from the start page to the first page they may use', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/v1/me': () => [200, SALES] }).fn)
    const router = makeRouter()
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/todo')
  })

  it('returns to login when the session expires, then back to where the user was', async () => {
    let expired = false
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/me': () =>
          expired ? [401, { error: { code: 'unauthenticated' } }] : [200, SALES],
        'GET /api/v1/pool': () => [
          401,
          { error: { code: 'unauthenticated', message: 'session expired' } },
        ],
      }).fn,
    )
    const router = makeRouter()
    await router.push('/pool?page=2')
    expect(router.currentRoute.value.name).toBe('pool')
    expired = true
    await request('/pool').catch(() => undefined)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query).toMatchObject({
      redirect: '/pool?page=2',
      expired: '1',
    })
    expect(useSessionStore().isLoggedIn).toBe(false)
  })
})

describe('session store', () => {
  it('knows the permissions of the signed-in user', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'POST /api/v1/auth/login': () => [200, { token: 't0k', user: SALES }],
        'GET /api/v1/me': () => [200, SALES],
      }).fn,
    )
    const session = useSessionStore()
    await session.login('zhang.wei', 'demo1234')
    expect(session.can('customers.view')).toBe(true)
    expect(session.can('users.manage')).toBe(false)
    expect(session.can(['users.manage', 'customers.view'])).toBe(true)
    expect(session.can(undefined)).toBe(true)
  })
})
