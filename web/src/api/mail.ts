import { request } from './client'

export type SmtpSecurity = 'none' | 'starttls' | 'tls'

/** GET /settings/smtp: the password is never answered, only whether one is set. */
export interface SmtpSettings {
  configured: boolean
  host: string
  port: number
  security: SmtpSecurity
  username: string
  password_set: boolean
  from_address: string
  from_name: string
  verify_certificate: boolean
  updated_at: string | null
}

/** PUT /settings/smtp: without `password` the stored one is kept; '' clears it. */
export interface SmtpSettingsInput {
  host: string
  port: number
  security: SmtpSecurity
  username: string
  password?: string
  from_address: string
  from_name: string
  verify_certificate: boolean
}

export interface SmtpTestResult {
  sent: boolean
  to?: string
  error?: string
}

export const mailApi = {
  settings: () => request<SmtpSettings>('/settings/smtp'),
  saveSettings: (body: SmtpSettingsInput) =>
    request<SmtpSettings>('/settings/smtp', { method: 'PUT', body }),
  sendTest: (to: string) =>
    request<SmtpTestResult>('/settings/smtp/test', { method: 'POST', body: { to } }),
}
