import { request } from './client'
import type { Customer, Id, ListParams, Page } from './types'

export const poolApi = {
  list: (params: ListParams) => request<Page<Customer>>('/pool', { params }),
  /** 409 already_claimed when someone else was first. */
  claim: (id: Id) => request<Customer>(`/customers/${id}/claim`, { method: 'POST' }),
  release: (id: Id, reason?: string) =>
    request<Customer>(`/customers/${id}/release`, {
      method: 'POST',
      body: reason ? { reason } : {},
    }),
}
