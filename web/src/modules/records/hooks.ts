// Behaviour a record type adds to the generic panel. Each hook is small data plus a function the
// panel calls at one point; a type without hooks gets the plain panel.
import type { KitRecord } from '@/api/types'
import { isApiError } from '@/utils/errors'

/**
 * A refused save the person may override after seeing why (e.g. "this item was already sent"):
 * the panel shows the message, the records the server named, and a button that resends the same
 * body with `extra`.
 */
export interface SaveOverride {
  /** i18n key of the warning. */
  messageKey: string
  /** i18n key of the button that saves anyway. */
  confirmKey: string
  /** The records the server named, shown by the fields in `fields`. */
  matches: Record<string, unknown>[]
  fields: string[]
  /** Body members to resend with. */
  extra: Record<string, unknown>
}

/** A line shown above the list, from members the server adds to the list page (e.g. a balance). */
export interface Summary {
  /** i18n key of the line. */
  key: string
  /** Named values for it (already formatted). */
  params: Record<string, string>
}

/** Records made by uploading a file (documents): the panel's "new" button picks a file instead. */
export interface UploadSpec {
  /** The file picker's hint of types (the server decides by the content). */
  accept: string
  /** i18n key of the button. */
  buttonKey: string
}

/** A link on a record's row besides edit and delete (download, preview). */
export interface RowLink {
  /** i18n key of its text. */
  key: string
  href: string
  /** Opens in a new tab (a preview). */
  newTab?: boolean
  /** Saves the file instead of following the link. */
  download?: boolean
  testid: string
}

export interface RecordHooks {
  /** Turns a save error into an override the person may choose; null: an ordinary error. */
  overrideOf?: (error: unknown) => SaveOverride | null
  /** The list page's summary line; null: none. `locale` is the current language. */
  summaryOf?: (page: Record<string, unknown>, locale: string) => Summary | null
  upload?: UploadSpec
  /** The links of one row (`at`: where the records live, collectionOf); none: only edit and delete. */
  rowLinks?: (row: KitRecord, at: string) => RowLink[]
  /**
   * Records made and edited on a page of their own (the template editor) rather than in the form:
   * "new" and the detail's "edit" lead there, and a row has no edit button (its rowLinks open it).
   */
  editorPage?: EditorPage
}

/** Where a type's own editor makes a record (`create`) and edits one (`edit`). */
export interface EditorPage {
  create: string
  edit: (row: KitRecord) => string
}

/**
 * The kit's duplicate warning (409 `duplicate` with details.matches, overridden by
 * `"allow_duplicate": true`), showing each match by `fields`.
 */
export function duplicateOverride(options: {
  fields: string[]
  messageKey: string
  confirmKey: string
}): NonNullable<RecordHooks['overrideOf']> {
  return (error) => {
    if (!isApiError(error, 'duplicate')) return null
    const matches = Array.isArray(error.details.matches)
      ? (error.details.matches as unknown[]).filter(
          (m): m is Record<string, unknown> => !!m && typeof m === 'object',
        )
      : []
    return {
      messageKey: options.messageKey,
      confirmKey: options.confirmKey,
      matches,
      fields: options.fields,
      extra: { allow_duplicate: true },
    }
  }
}
