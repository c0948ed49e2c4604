import { API_BASE, request } from './client'
import type { Page } from './types'

/** One notification (提醒) of the signed-in user (GET /api/v1/notifications). */
export interface AppNotification {
  id: number
  kind: string
  title: string
  body: string
  link: string | null
  entity: string | null
  entity_id: number | null
  due_at: string
  visible_at: string
  created_at: string
  read_at: string | null
  read: boolean
}

export type NotificationPage = Page<AppNotification> & { unread: number }

export const notificationsApi = {
  list: (params: { page?: number; page_size?: number; unread?: boolean } = {}) =>
    request<NotificationPage>('/notifications', {
      params: {
        page: params.page,
        page_size: params.page_size,
        unread: params.unread === undefined ? undefined : String(params.unread),
      },
    }),
  unreadCount: () => request<{ unread: number }>('/notifications/unread-count'),
  read: (id: number) => request<void>(`/notifications/${id}/read`, { method: 'POST' }),
  readAll: () => request<{ read: number }>('/notifications/read-all', { method: 'POST' }),
  snooze: (id: number, minutes: number) =>
    request<AppNotification>(`/notifications/${id}/snooze`, { method: 'POST', body: { minutes } }),
  dismiss: (id: number) => request<void>(`/notifications/${id}/dismiss`, { method: 'POST' }),
  /** The live stream (Server-Sent Events), authenticated by the session cookie. */
  streamUrl: `${API_BASE}/notifications/stream`,
}
