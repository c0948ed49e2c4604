import { download, request, toQuery, upload } from './client'
import type {
  Contact,
  Customer,
  CustomerImport,
  DuplicateMatch,
  ExportFormat,
  Followup,
  Id,
  ImportDuplicates,
  ListParams,
  OwnershipChange,
  Page,
} from './types'

export type CustomerInput = Partial<Omit<Customer, 'id' | 'created_at' | 'updated_at'>>

export interface DuplicateQuery {
  name?: string
  phone?: string
  email?: string
}

export const customersApi = {
  list: (params: ListParams) => request<Page<Customer>>('/customers', { params }),
  get: (id: Id) => request<Customer>(`/customers/${id}`),
  create: (input: CustomerInput, allow_duplicate = false) =>
    request<Customer>('/customers', {
      method: 'POST',
      body: allow_duplicate ? { ...input, allow_duplicate: true } : input,
    }),
  /** Send `version` to be told (409 stale_version) when someone else saved in between. */
  update: (id: Id, input: CustomerInput) =>
    request<Customer>(`/customers/${id}`, { method: 'PATCH', body: input }),
  remove: (id: Id) => request<void>(`/customers/${id}`, { method: 'DELETE' }),
  restore: (id: Id) => request<Customer>(`/customers/${id}/restore`, { method: 'POST' }),
  checkDuplicates: (query: DuplicateQuery, signal?: AbortSignal) =>
    request<{ matches: DuplicateMatch[] }>('/customers/check-duplicates', {
      method: 'POST',
      body: query,
      signal,
    }),
  transfer: (ids: Id[], owner_id: Id, reason?: string) =>
    request<{ transferred: number }>('/customers/transfer', {
      method: 'POST',
      body: reason ? { ids, owner_id, reason } : { ids, owner_id },
    }),
  history: (id: Id) => request<{ items: OwnershipChange[] }>(`/customers/${id}/history`),
  /**
   * Every customer the list's filters, search and sort select (all pages) as a file, its header
   * in `lang`; needs customers.export (audited). Paging parameters are not sent.
   */
  export: (params: ListParams, format: ExportFormat, lang: string) => {
    const { page: _page, page_size: _size, ...rest } = params
    return download(`/customers/export${toQuery({ ...rest, format, lang })}`)
  },
}

export const contactsApi = {
  list: (customer_id: Id) =>
    request<Page<Contact> | { items: Contact[] }>(`/customers/${customer_id}/contacts`),
  create: (customer_id: Id, input: Partial<Contact>) =>
    request<Contact>(`/customers/${customer_id}/contacts`, { method: 'POST', body: input }),
  update: (customer_id: Id, contact_id: Id, input: Partial<Contact>) =>
    request<Contact>(`/customers/${customer_id}/contacts/${contact_id}`, {
      method: 'PATCH',
      body: input,
    }),
  remove: (customer_id: Id, contact_id: Id) =>
    request<void>(`/customers/${customer_id}/contacts/${contact_id}`, { method: 'DELETE' }),
}

export interface FollowupInput {
  kind: Followup['kind']
  content: string
  contacted_at: string
  next_contact_at?: string | null
}

export const followupsApi = {
  list: (customer_id: Id, params: ListParams = {}) =>
    request<Page<Followup> | { items: Followup[] }>(`/customers/${customer_id}/followups`, {
      params,
    }),
  create: (customer_id: Id, input: FollowupInput) =>
    request<Followup>(`/customers/${customer_id}/followups`, { method: 'POST', body: input }),
}

export interface ImportOptions {
  duplicates: ImportDuplicates
  dry_run: boolean
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export const importsApi = {
  /** Uploads the file (the raw body) and queues the import job. */
  start: (file: File, options: ImportOptions, onProgress?: (fraction: number) => void) =>
    upload<{ import: CustomerImport; job: { id: Id; status: string } }>('/customers/import', file, {
      params: { duplicates: options.duplicates, dry_run: options.dry_run, filename: file.name },
      contentType: /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv',
      onProgress,
    }),
  get: (id: Id) => request<CustomerImport>(`/customers/imports/${id}`),
  errorReport: (id: Id) => download(`/customers/imports/${id}/errors`),
}
