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
}
