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
  /**
   * To the recycle bin (the kit's soft delete). A department that still has users or
   * sub-departments is refused: 409 conflict, `details: { users, departments }` counting them.
   */
  remove: (id: Id) => request<void>(`/departments/${id}`, { method: 'DELETE' }),
  /** Back from the recycle bin (the undo of a delete). */
  restore: (id: Id) => request<Department>(`/departments/${id}/restore`, { method: 'POST' }),
}
