import type { RecordTypeView } from './types'

/**
 * 消息模板: SMS and e-mail texts with variables (issue 17); administrators keep them, every staff
 * role reads them. Each is made and edited in the template editor (modules/messages), which
 * counts an SMS as it is typed and previews it for a customer.
 */
export const templates: RecordTypeView = {
  name: 'templates',
  place: 'page',
  titleKey: 'templates.title',
  titleField: 'name',
  defaultSort: 'name',
  editorPage: { create: '/templates/new', edit: (row) => `/templates/${row.id}` },
  rowLinks: (row) => [
    { key: 'templates.open', href: `/templates/${row.id}`, testid: 'template-open' },
  ],
}
