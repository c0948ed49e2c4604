import { request } from './client'
import type { Id, ListParams, Page, User } from './types'

export interface UserInput {
  username?: string
  display_name?: string
  email?: string | null
  phone?: string | null
  department_id?: Id | null
  role_id?: Id | null
  manager_id?: Id | null
  active?: boolean
  password?: string
}

export const usersApi = {
  list: (params: ListParams) => request<Page<User>>('/users', { params }),
  get: (id: Id) => request<User>(`/users/${id}`),
  create: (input: UserInput) => request<User>('/users', { method: 'POST', body: input }),
  update: (id: Id, input: UserInput) =>
    request<User>(`/users/${id}`, { method: 'PATCH', body: input }),
  /** Moves every customer the user owns to another user. */
  handover: (id: Id, to_user_id: Id) =>
    request<{ transferred: number }>(`/users/${id}/handover`, {
      method: 'POST',
      body: { to_user_id },
    }),
}
