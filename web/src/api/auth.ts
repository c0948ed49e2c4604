import { request } from './client'
import type { Me, User } from './types'

export interface LoginAnswer {
  token: string
  user: User
}

export const authApi = {
  login: (username: string, password: string) =>
    request<LoginAnswer>('/auth/login', {
      method: 'POST',
      body: { username, password },
      skipAuthRedirect: true,
    }),
  logout: () => request<void>('/auth/logout', { method: 'POST', skipAuthRedirect: true }),
  /** The signed-in user; a 401 here means there is no session (not an expiry). */
  me: () => request<Me>('/me', { skipAuthRedirect: true }),
  /** One's own display name, phone, e-mail, language and time zone. */
  updateMe: (body: ProfileChange) => request<Me>('/me', { method: 'PATCH', body }),
  /** Ends every other session of the user; this one stays. */
  changePassword: (current_password: string, new_password: string) =>
    request<void>('/me/password', { method: 'POST', body: { current_password, new_password } }),
}

export interface ProfileChange {
  display_name?: string
  phone?: string | null
  email?: string | null
  language?: 'zh-CN' | 'en'
  time_zone?: string | null
}
