import type { RecordTypeView } from './types'

/** 成交记录: what a customer bought, and how much of it came from their prepayment. */
export const deals: RecordTypeView = {
  name: 'deals',
  place: 'customer',
  titleKey: 'deals.title',
  titleField: 'closed_on',
  defaultSort: '-closed_on',
}
