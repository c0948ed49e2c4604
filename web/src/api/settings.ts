import { request } from './client'

export const settingsApi = {
  all: () => request<Record<string, unknown>>('/me/settings'),
  put: (key: string, value: unknown) =>
    request<void>(`/me/settings/${encodeURIComponent(key)}`, { method: 'PUT', body: value }),
}
