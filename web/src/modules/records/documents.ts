import { contentUrl } from '@/api/records'
import type { RowLink } from './hooks'
import type { RecordTypeView } from './types'

/** What a browser shows itself (the server sends these inline when asked). */
const PREVIEWABLE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
])

/**
 * 文档: a customer's files. A record is made by uploading a file (the server tells its type from
 * the content); each row downloads it, and images and PDFs open in a new tab.
 */
export const documents: RecordTypeView = {
  name: 'documents',
  place: 'customer',
  titleKey: 'documents.title',
  titleField: 'file_name',
  upload: {
    accept:
      'image/png,image/jpeg,image/gif,image/webp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,.zip',
    buttonKey: 'documents.upload',
  },
  rowLinks: (row, at) => {
    const links: RowLink[] = []
    if (PREVIEWABLE.has(String(row.content_type))) {
      links.push({
        key: 'documents.preview',
        href: contentUrl(at, row.id, true),
        newTab: true,
        testid: 'document-preview',
      })
    }
    links.push({
      key: 'documents.download',
      href: contentUrl(at, row.id),
      download: true,
      testid: 'document-download',
    })
    return links
  },
}
