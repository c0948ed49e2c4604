import type { RecordTypeView } from './types'

/** 报价: a customer's quotes; each opens in the quote editor (lines, approval, print). */
export const quotes: RecordTypeView = {
  name: 'quotes',
  place: 'customer',
  across: true,
  titleKey: 'quotes.title',
  titleField: 'number',
  defaultSort: '-number',
  rowLinks: (row) => [{ key: 'quotes.open', href: `/quotes/${row.id}`, testid: 'quote-open' }],
}
