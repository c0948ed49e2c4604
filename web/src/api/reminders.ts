import { request } from './client'

/** One kind of reminder a rule leaves (a reminder source on the server), with its label. */
export interface NotificationKind {
  kind: string
  label: { en: string; 'zh-CN': string }
}

/** The caller's channels: in-app always; e-mail per kind; the daily digest by e-mail. */
export interface NotificationSettings {
  email: Record<string, boolean>
  digest: { enabled: boolean; time: string }
  next_digest_at: string | null
  kinds: NotificationKind[]
  email_address: string | null
  time_zone: string
}

export interface NotificationSettingsChange {
  email?: Record<string, boolean>
  digest?: { enabled?: boolean; time?: string }
}

/** The administrator's reminder rules; days per customer category, null = off. */
export interface ReminderRules {
  activity_start: { enabled: boolean }
  next_contact: { enabled: boolean }
  no_followup: { enabled: boolean; days: Record<string, number | null> }
  /** 催款: an overdue instalment reminds the contract's owner (contracts). */
  payment_due: { enabled: boolean }
  categories: string[]
  updated_at: string | null
  updated_by: number | null
}

export type ReminderRulesChange = Partial<
  Pick<ReminderRules, 'activity_start' | 'next_contact' | 'no_followup' | 'payment_due'>
>

export const remindersApi = {
  mySettings: () => request<NotificationSettings>('/me/notification-settings'),
  updateMySettings: (body: NotificationSettingsChange) =>
    request<NotificationSettings>('/me/notification-settings', { method: 'PUT', body }),
  rules: () => request<ReminderRules>('/settings/reminders'),
  updateRules: (body: ReminderRulesChange) =>
    request<ReminderRules>('/settings/reminders', { method: 'PUT', body }),
}
