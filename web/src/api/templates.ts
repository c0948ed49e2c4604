// Message templates (issue 17): SMS and e-mail texts with {{variables}}. The record itself goes
// through the kit's routes (recordsApi at TEMPLATES); the preview is the type's own.
import { request } from './client'
import type { Id, KitRecord } from './types'

/** Where templates live (the kit's collection). */
export const TEMPLATES = '/templates'

export type TemplateChannel = 'sms' | 'email'
/** How an SMS is sent: GSM-7 or UCS-2 (modules/messages/smsSegments counts alike). */
export type SmsEncoding = 'gsm7' | 'ucs2'

export interface Template extends KitRecord {
  name: string
  channel: TemplateChannel
  /** E-mail only (required there). */
  subject: string | null
  /** SMS: plain text, at most 500 characters; e-mail: HTML, sanitised by the server. */
  body: string
  /** SMS: the gateway signature, sent as 【signature】 before the body. */
  signature: string | null
  /** SMS: the gateway accepted this text (set back to false when body or signature change). */
  approved: boolean
  /** SMS: the provider's id of the template (e.g. Aliyun "SMS_123456"). */
  gateway_template_code: string | null
  /** SMS: as written, 【signature】 and body, variables counted as written; null for e-mail. */
  length: number | null
  segments: number | null
  encoding: SmsEncoding | null
  /** The variables the subject and body use ("customer.name"). */
  variables: string[]
}

/** What the preview renders: a customer's (and a contact's) values put in. */
export interface PreviewInput {
  customer_id: Id
  contact_id?: Id
  /** The draft's text instead of the stored one. */
  subject?: string
  body?: string
  signature?: string
}

export interface TemplatePreview {
  /** E-mail: the subject rendered; null for SMS. */
  subject: string | null
  /** SMS: the body rendered; e-mail: the sanitised HTML. */
  body: string
  /** SMS: the whole message as sent, 【signature】 first; e-mail: the body. */
  text: string
  length: number | null
  segments: number | null
  encoding: SmsEncoding | null
}

export const templatesApi = {
  /** 404 when the customer (or contact) isn't visible; 422 unknown_variable by subject or body. */
  preview: (id: Id, input: PreviewInput, signal?: AbortSignal) =>
    request<TemplatePreview>(`${TEMPLATES}/${id}/preview`, { method: 'POST', body: input, signal }),
}
