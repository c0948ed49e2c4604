// A customer's 360° timeline (GET /customers/{id}/timeline): follow-ups, ownership changes and the
// records of every kit type that declares itself a timeline source, newest first, paged by cursor.
import { request } from './client'
import type { FieldType, Id, LocalizedText } from './types'

/** A kind of entry the user may see: its label and the summary fields its entries carry. */
export interface TimelineKind {
  kind: string
  label: LocalizedText
  /** The resource under the customer holding its records ("deals"); null for ownership changes. */
  record_type: string | null
  /** `name_member`: an id field's name beside it in the summary (contract_id → contract_name). */
  fields: { name: string; type: FieldType; label: LocalizedText; name_member?: string }[]
}

export interface TimelineEntry {
  kind: string
  id: Id
  /** The ordering time, RFC 3339 UTC (00:00 UTC of `on` for kinds ordered by a date). */
  at: string
  /** The ordering date (YYYY-MM-DD) for kinds ordered by one, else null. */
  on: string | null
  actor: { id: Id; name: string | null } | null
  summary: Record<string, unknown>
  record_type: string | null
}

export interface TimelinePage {
  items: TimelineEntry[]
  next_cursor: string | null
  kinds: TimelineKind[]
}

export interface TimelineParams {
  limit?: number
  cursor?: string | null
  /** Only these kinds; empty or absent: every kind. */
  kinds?: string[]
}

export const timelineApi = {
  page: (customer_id: Id, params: TimelineParams = {}) =>
    request<TimelinePage>(`/customers/${customer_id}/timeline`, {
      params: {
        limit: params.limit,
        cursor: params.cursor ?? undefined,
        kinds: params.kinds?.length ? params.kinds.join(',') : undefined,
      },
    }),
}
