import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { Component } from 'vue'
import { i18n } from '@/i18n'
import { installElement } from '@/plugins/element'
import type { FieldDef } from '@/api/types'

/**
 * Mounts a component with Element Plus, the app's i18n (zh-CN unless changed) and a fresh Pinia;
 * `global.plugins` (e.g. a router) come beside them. Without a router, router-link is a stub.
 */
export function mountApp<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> = {},
) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const extra = options.global?.plugins ?? []
  return mount(component, {
    ...options,
    global: {
      ...options.global,
      plugins: [pinia, i18n, { install: installElement }, ...extra],
      stubs: {
        ...(extra.length
          ? {}
          : { 'router-link': { template: '<a class="router-link"><slot /></a>' } }),
        ...options.global?.stubs,
      },
    },
  } as ComponentMountingOptions<C>)
}

/** A fetch stand-in answering JSON per "METHOD /path" (query ignored); records every call. */
export function fakeFetch(routes: Record<string, (body: unknown, url: URL) => [number, unknown?]>) {
  const calls: { method: string; url: URL; body: unknown; headers: Record<string, string> }[] = []
  const fn = async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost')
    const method = init.method ?? 'GET'
    const body = init.body ? JSON.parse(String(init.body)) : undefined
    calls.push({ method, url, body, headers: (init.headers ?? {}) as Record<string, string> })
    const handler = routes[`${method} ${url.pathname}`]
    const [status, answer] = handler
      ? handler(body, url)
      : [404, { error: { code: 'not_found', message: 'nope' } }]
    return new Response(status === 204 || answer === undefined ? null : JSON.stringify(answer), {
      status,
      headers: { 'Content-Type': 'application/json' },
    })
  }
  return { fn: fn as unknown as typeof fetch, calls }
}

export const CUSTOMER_FIELDS: FieldDef[] = [
  {
    name: 'name',
    type: 'string',
    required: true,
    max_length: 200,
    label_key: 'customers.fields.name',
    list: true,
    sort: true,
  },
  {
    name: 'category',
    type: 'enum',
    options: ['core', 'potential', 'interested'],
    label_key: 'customers.fields.category',
    list: true,
    filter: true,
  },
  {
    name: 'owner_id',
    type: 'user',
    label_key: 'customers.fields.owner_id',
    list: true,
    filter: true,
  },
  { name: 'phone', type: 'phone', label_key: 'customers.fields.phone', list: true },
  { name: 'email', type: 'email', label_key: 'customers.fields.email' },
  { name: 'tags', type: 'tags', label_key: 'customers.fields.tags', filter: true },
  { name: 'custom', type: 'object', label_key: 'customers.fields.custom' },
  {
    name: 'next_contact_at',
    type: 'datetime',
    label_key: 'customers.fields.next_contact_at',
    list: true,
    filter: true,
    sort: true,
  },
  {
    name: 'created_at',
    type: 'datetime',
    label_key: 'customers.fields.created_at',
    readonly: true,
    sort: true,
  },
]

export const flush = () => new Promise((r) => setTimeout(r, 0))

/** Polls until `find` returns something, or null after `ms`: on a busy machine a transition may
 * render a few ticks late, which one flush() does not wait for. */
export async function waitFor<T>(find: () => T | null | undefined, ms = 3000): Promise<T | null> {
  const end = Date.now() + ms
  for (;;) {
    const found = find()
    if (found) return found
    if (Date.now() > end) return null
    await new Promise((r) => setTimeout(r, 10))
  }
}
