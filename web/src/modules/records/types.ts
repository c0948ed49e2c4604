// The record kit's types the web shows (ADR 0006). The server declares each type's fields,
// labels and rules (GET /meta/<name>); the web adds only what a person sees around them. Adding a
// type: a file like mailings.ts, a line in RECORD_TYPES, and its texts in both locale files.
import type { RecordHooks } from './hooks'
import { deals } from './deals'
import { documents } from './documents'
import { mailings } from './mailings'
import { prepayments } from './prepayments'

export interface RecordTypeView extends RecordHooks {
  /**
   * The server's type name: route segment and permission prefix
   * (<name>.view|create|edit|delete|export).
   */
  name: string
  /** i18n key of the type's plural title (a tab), e.g. "mailings.title". */
  titleKey: string
  /** The field that names a record: the first column, a card's title. */
  titleField: string
  /** The list's first order, e.g. "-sent_on"; empty: the server's default. */
  defaultSort?: string
  /** Rows per page (default 10). */
  pageSize?: number
}

/** Shown as tabs on the customer page, in this order. */
export const RECORD_TYPES: readonly RecordTypeView[] = [deals, prepayments, mailings, documents]

export function recordType(name: string): RecordTypeView | undefined {
  return RECORD_TYPES.find((type) => type.name === name)
}
