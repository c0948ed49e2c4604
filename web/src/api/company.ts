import { request } from './client'

export interface CompanySettings {
  time_zone: string
  updated_at: string | null
  updated_by: number | null
}

export const companyApi = {
  get: () => request<CompanySettings>('/settings/company'),
  update: (body: Partial<Pick<CompanySettings, 'time_zone'>>) =>
    request<CompanySettings>('/settings/company', { method: 'PATCH', body }),
  /** The IANA zones the server accepts (UTC first, then sorted). */
  timeZones: () => request<{ items: string[] }>('/time-zones'),
}
