import { request } from './client'
import type { AuditEntry, Id, ListParams, Page } from './types'

export interface AuditParams extends ListParams {
  page?: number
  page_size?: number
  user_id?: Id
  action?: string
  entity?: string
  from?: string
  to?: string
}

export const auditApi = {
  list: (params: AuditParams) => request<Page<AuditEntry>>('/audit-log', { params }),
}
