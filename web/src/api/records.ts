// Records of the kit's types (ADR 0006): every type is served by the same routes, under a customer
// (/customers/{id}/mailings) or on their own (/departments), so one typed module covers them all.
// Each call takes `at`, the collection's path (collectionOf: from the type's metadata).
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

/**
 * Where a type's records live, relative to API_BASE: the metadata's `collection` with the customer
 * put in for a type under a customer ("/customers/7/mailings"), as it is for a type that is not
 * ("/departments"; a customer given then is ignored); without a customer, a type under one that
 * the server also lists across customers gives that list ("/contracts", `meta.across`). Throws when
 * the metadata names no collection, or a type under a customer is asked for without one and has no
 * such list.
 */
export function collectionOf(
  meta: Pick<EntityMeta, 'entity' | 'collection' | 'visibility' | 'across'>,
  customerId?: Id | null,
): string {
  const pattern = meta.collection
  if (!pattern) throw new Error(`the metadata of ${meta.entity} names no collection`)
  const local = (p: string) => (p.startsWith(API_BASE) ? p.slice(API_BASE.length) : p)
  const path = local(pattern)
  if (meta.visibility !== 'through_customer') return path
  if (customerId == null) {
    if (meta.across) return local(meta.across)
    throw new Error(`${meta.entity} are records of a customer: none given`)
  }
  return path.replace('{id}', encodeURIComponent(String(customerId)))
}

/** Whether a type's records belong to a customer (a tab of the customer page). */
export const underCustomer = (meta: Pick<EntityMeta, 'visibility'>) =>
  meta.visibility === 'through_customer'

export const recordsApi = {
  /** One page; `deleted: true` lists the recycle bin (needs `<type>.delete`). */
  list: (at: string, params: ListParams = {}) => request<Page<KitRecord>>(at, { params }),
  get: (at: string, id: Id) => request<KitRecord>(`${at}/${id}`),
  /** Extra body members (e.g. `allow_duplicate: true`) go beside the fields. */
  create: (at: string, input: RecordInput, extra: RecordInput = {}) =>
    request<KitRecord>(at, { method: 'POST', body: { ...input, ...extra } }),
  /** Partial; send `version` to be told (409 stale_version) when someone else saved in between. */
  update: (at: string, id: Id, input: RecordInput, extra: RecordInput = {}) =>
    request<KitRecord>(`${at}/${id}`, { method: 'PATCH', body: { ...input, ...extra } }),
  /** To the recycle bin. */
  remove: (at: string, id: Id) => request<void>(`${at}/${id}`, { method: 'DELETE' }),
  restore: (at: string, id: Id) => request<KitRecord>(`${at}/${id}/restore`, { method: 'POST' }),
  /** Who changed a record and how, newest first (readable by whoever may read the record). */
  history: (at: string, id: Id, params: ListParams = {}) =>
    request<Page<RecordHistoryEntry>>(`${at}/${id}/history`, { params }),
  /**
   * Every record the list's filters, search and sort select (all pages) as a file, its header in
   * `lang`; needs `<type>.export`. Paging parameters are not sent.
   */
  export: (at: string, params: ListParams, format: ExportFormat, lang: string) => {
    const { page: _page, page_size: _size, ...rest } = params
    return download(`${at}/export${toQuery({ ...rest, format, lang })}`)
  },
  meta: (type: string) => request<EntityMeta>(`/meta/${encodeURIComponent(type)}`),
  /** A record made from a file (documents): the file and the form fields beside it. */
  upload: (at: string, file: File, fields: Record<string, string> = {}) => {
    const form = new FormData()
    form.append('file', file, file.name)
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    return request<KitRecord>(at, { method: 'POST', body: form })
  },
}

/** Where a file record's content is downloaded (`show`: shown in the browser, images and PDF). */
export function contentUrl(at: string, id: Id, show = false): string {
  return `${API_BASE}${at}/${id}/content${show ? '?inline=1' : ''}`
}
