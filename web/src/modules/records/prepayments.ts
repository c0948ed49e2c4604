import { formatMoney } from '@/utils/format'
import type { RecordTypeView } from './types'

/** 预收款: money a customer paid in advance; deals draw on its balance, shown above the list. */
export const prepayments: RecordTypeView = {
  name: 'prepayments',
  place: 'customer',
  titleKey: 'prepayments.title',
  titleField: 'received_on',
  defaultSort: '-received_on',
  summaryOf: (page, locale) =>
    typeof page.balance === 'string'
      ? { key: 'prepayments.balance', params: { amount: formatMoney(page.balance, locale) } }
      : null,
}
