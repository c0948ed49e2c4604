import { request } from './client'
import type { Id, Page, Role } from './types'

export type RoleInput = Pick<Role, 'name' | 'data_scope' | 'permissions'>

export const rolesApi = {
  list: async (): Promise<Role[]> => {
    const answer = await request<Page<Role> | { items: Role[] } | Role[]>('/roles', {
      params: { page_size: 500 },
    })
    return Array.isArray(answer) ? answer : answer.items
  },
  create: (input: RoleInput) => request<Role>('/roles', { method: 'POST', body: input }),
  update: (id: Id, input: Partial<RoleInput>) =>
    request<Role>(`/roles/${id}`, { method: 'PATCH', body: input }),
  remove: (id: Id) => request<void>(`/roles/${id}`, { method: 'DELETE' }),
  permissions: async (): Promise<string[]> =>
    (await request<{ items: string[] }>('/permissions')).items,
}
