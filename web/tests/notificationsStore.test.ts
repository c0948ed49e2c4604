import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { onUnauthorized } from '@/api'
import { useNotificationsStore } from '@/stores/notifications'
import { fakeFetch } from './helpers'

/** An EventSource stand-in: the store's listeners, fired by the test as the server's events. */
class FakeEventSource {
  static last: FakeEventSource | null = null
  listeners: Record<string, ((event: MessageEvent) => void)[]> = {}
  closed = false
  constructor(public url: string) {
    FakeEventSource.last = this
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    ;(this.listeners[type] ??= []).push(listener)
  }
  close() {
    this.closed = true
  }
  fire(type: string, data = '{}') {
    for (const listener of this.listeners[type] ?? []) {
      listener(new MessageEvent(type, { data }))
    }
  }
}

beforeEach(() => {
  setActivePinia(createPinia())
  FakeEventSource.last = null
  vi.stubGlobal('EventSource', FakeEventSource)
})
afterEach(() => {
  vi.unstubAllGlobals()
  onUnauthorized(null)
})

describe('the notifications store', () => {
  it('follows the live count, and signs the user out when the server ends the session', async () => {
    let signedIn = true
    const fake = fakeFetch({
      'GET /api/v1/notifications': () =>
        signedIn
          ? [200, { items: [], total: 0, unread: 0 }]
          : [401, { error: { code: 'unauthenticated', message: 'Please log in.' } }],
    })
    vi.stubGlobal('fetch', fake.fn)
    const toLogin = vi.fn()
    onUnauthorized(toLogin)
    const store = useNotificationsStore()
    store.start()
    const source = FakeEventSource.last!
    source.fire('open')
    source.fire('unread', '{"unread":3}')
    expect(store.unread).toBe(3)
    expect(store.live).toBe(true)

    // Logged out in another tab (or deactivated): the server says so and closes the stream.
    signedIn = false
    source.fire('signed_out')
    await vi.waitFor(() => expect(toLogin).toHaveBeenCalled())
    expect(source.closed).toBe(true)
    expect(store.live).toBe(false)
    expect(store.unread).toBe(0)
  })
})
