import type { RecordTypeView } from './types'
import { duplicateOverride } from './hooks'

/** 邮寄记录: what was mailed to a customer. Sending the same item again asks first. */
export const mailings: RecordTypeView = {
  name: 'mailings',
  place: 'customer',
  titleKey: 'mailings.title',
  titleField: 'item',
  defaultSort: '-sent_on',
  overrideOf: duplicateOverride({
    fields: ['item', 'sent_on'],
    messageKey: 'mailings.duplicate',
    confirmKey: 'mailings.recordAnyway',
  }),
}
