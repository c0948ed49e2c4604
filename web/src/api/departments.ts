import { request } from './client'
import type { Department, Id, Page } from './types'

export const departmentsApi = {
  /** A flat list; the UI builds the tree from parent_id. */
  list: async (): Promise<Department[]> => {
    const answer = await request<Page<Department> | { items: Department[] } | Department[]>(
      '/departments',
      { params: { page_size: 500 } },
    )
    return Array.isArray(answer) ? answer : answer.items
  },
  create: (input: { name: string; parent_id: Id | null }) =>
    request<Department>('/departments', { method: 'POST', body: input }),
  update: (id: Id, input: { name?: string; parent_id?: Id | null }) =>
    request<Department>(`/departments/${id}`, { method: 'PATCH', body: input }),
  remove: (id: Id) => request<void>(`/departments/${id}`, { method: 'DELETE' }),
}
