import { defineStore } from 'pinia'
import { ref } from 'vue'
import { notificationsApi, type AppNotification } from '@/api/notifications'

/** How many of the newest notifications the bell keeps. */
const KEEP = 20
/** Without a live stream (it failed to open), the count is asked for this often. */
const POLL_MS = 60_000

/**
 * The signed-in user's notifications: the unread count and the newest ones, kept live by the
 * server's event stream (GET /notifications/stream). EventSource reconnects by itself and sends
 * the last event's id, so nothing that came meanwhile is lost; the list is read again then too.
 */
export const useNotificationsStore = defineStore('notifications', () => {
  const unread = ref(0)
  const items = ref<AppNotification[]>([])
  const live = ref(false)
  let source: EventSource | null = null
  let poll: ReturnType<typeof setInterval> | null = null

  async function refresh(): Promise<void> {
    try {
      const page = await notificationsApi.list({ page_size: KEEP })
      items.value = page.items
      unread.value = page.unread
    } catch {
      // The bell is a convenience: the page keeps working without it.
    }
  }

  function add(notification: AppNotification): void {
    const rest = items.value.filter((n) => n.id !== notification.id)
    items.value = [notification, ...rest].slice(0, KEEP)
  }

  function start(): void {
    if (source || typeof EventSource === 'undefined') return
    void refresh()
    source = new EventSource(notificationsApi.streamUrl, { withCredentials: true })
    source.addEventListener('open', () => {
      live.value = true
      if (poll) {
        clearInterval(poll)
        poll = null
      }
    })
    source.addEventListener('unread', (event) => {
      unread.value = (JSON.parse((event as MessageEvent).data) as { unread: number }).unread
    })
    source.addEventListener('notification', (event) => {
      add(JSON.parse((event as MessageEvent).data) as AppNotification)
    })
    // The session ended (logged out elsewhere, password changed, deactivated): the stream is
    // closed by the server; one more request lets the 401 handler take the user to sign in.
    source.addEventListener('signed_out', () => {
      stop()
      void refresh()
    })
    source.addEventListener('error', () => {
      live.value = false
      // EventSource retries by itself; meanwhile (or if it gave up) the count is polled.
      poll ??= setInterval(() => void refresh(), POLL_MS)
    })
  }

  function stop(): void {
    source?.close()
    source = null
    live.value = false
    if (poll) clearInterval(poll)
    poll = null
    items.value = []
    unread.value = 0
  }

  function applyRead(id: number): void {
    const item = items.value.find((n) => n.id === id)
    if (item && !item.read) {
      item.read = true
      unread.value = Math.max(0, unread.value - 1)
    }
  }

  async function read(id: number): Promise<void> {
    await notificationsApi.read(id)
    applyRead(id)
  }

  async function readAll(): Promise<void> {
    await notificationsApi.readAll()
    for (const item of items.value) item.read = true
    unread.value = 0
  }

  async function snooze(id: number, minutes: number): Promise<void> {
    await notificationsApi.snooze(id, minutes)
    const item = items.value.find((n) => n.id === id)
    if (item && !item.read) unread.value = Math.max(0, unread.value - 1)
    items.value = items.value.filter((n) => n.id !== id)
  }

  async function dismiss(id: number): Promise<void> {
    await notificationsApi.dismiss(id)
    const item = items.value.find((n) => n.id === id)
    if (item && !item.read) unread.value = Math.max(0, unread.value - 1)
    items.value = items.value.filter((n) => n.id !== id)
  }

  return { unread, items, live, start, stop, refresh, read, readAll, snooze, dismiss }
})
