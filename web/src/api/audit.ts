import { request } from './client'
import type { AuditEntry, Id, Page } from './types'

export interface AuditParams {
  page?: number
  page_size?: number
  user_id?: Id
  action?: string
  entity?: string
  from?: string
  to?: string
  [key: string]: string | number | undefined
}

export const auditApi = {
  list: (params: AuditParams) => request<Page<AuditEntry>>('/audit-log', { params }),
}
