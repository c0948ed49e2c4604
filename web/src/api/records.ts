// Records of the kit's types (ADR 0006): every type declared on the server is served under a
// customer by the same routes, so one typed module covers them all; `type` is the type's name
// (its route segment, e.g. "mailings").
import { API_BASE, download, request, toQuery } from './client'
import type {
  EntityMeta,
  ExportFormat,
  Id,
  KitRecord,
  ListParams,
  Page,
  RecordHistoryEntry,
} from './types'

export type RecordInput = Record<string, unknown>

const base = (type: string, customer_id: Id) =>
  `/customers/${customer_id}/${encodeURIComponent(type)}`

export const recordsApi = {
  /** One page; `deleted: true` lists the recycle bin (needs `<type>.delete`). */
  list: (type: string, customer_id: Id, params: ListParams = {}) =>
    request<Page<KitRecord>>(base(type, customer_id), { params }),
  get: (type: string, customer_id: Id, id: Id) =>
    request<KitRecord>(`${base(type, customer_id)}/${id}`),
  /** Extra body members (e.g. `allow_duplicate: true`) go beside the fields. */
  create: (type: string, customer_id: Id, input: RecordInput, extra: RecordInput = {}) =>
    request<KitRecord>(base(type, customer_id), { method: 'POST', body: { ...input, ...extra } }),
  /** Partial; send `version` to be told (409 stale_version) when someone else saved in between. */
  update: (type: string, customer_id: Id, id: Id, input: RecordInput, extra: RecordInput = {}) =>
    request<KitRecord>(`${base(type, customer_id)}/${id}`, {
      method: 'PATCH',
      body: { ...input, ...extra },
    }),
  /** To the recycle bin. */
  remove: (type: string, customer_id: Id, id: Id) =>
    request<void>(`${base(type, customer_id)}/${id}`, { method: 'DELETE' }),
  restore: (type: string, customer_id: Id, id: Id) =>
    request<KitRecord>(`${base(type, customer_id)}/${id}/restore`, { method: 'POST' }),
  /** Who changed a record and how, newest first (readable by whoever may read the record). */
  history: (type: string, customer_id: Id, id: Id, params: ListParams = {}) =>
    request<Page<RecordHistoryEntry>>(`${base(type, customer_id)}/${id}/history`, { params }),
  /**
   * Every record the list's filters, search and sort select (all pages) as a file, its header in
   * `lang`; needs `<type>.export`. Paging parameters are not sent.
   */
  export: (
    type: string,
    customer_id: Id,
    params: ListParams,
    format: ExportFormat,
    lang: string,
  ) => {
    const { page: _page, page_size: _size, ...rest } = params
    return download(`${base(type, customer_id)}/export${toQuery({ ...rest, format, lang })}`)
  },
  meta: (type: string) => request<EntityMeta>(`/meta/${encodeURIComponent(type)}`),
  /** A record made from a file (documents): the file and the form fields beside it. */
  upload: (type: string, customer_id: Id, file: File, fields: Record<string, string> = {}) => {
    const form = new FormData()
    form.append('file', file, file.name)
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    return request<KitRecord>(base(type, customer_id), { method: 'POST', body: form })
  },
}

/** Where a file record's content is downloaded (`show`: shown in the browser, images and PDF). */
export function contentUrl(type: string, customer_id: Id, id: Id, show = false): string {
  return `${API_BASE}${base(type, customer_id)}/${id}/content${show ? '?inline=1' : ''}`
}
