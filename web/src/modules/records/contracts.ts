import { formatMoney } from '@/utils/format'
import type { RecordTypeView } from './types'

/**
 * 合同: a customer's contracts. The list's summary is the customer's totals (outstanding, overdue,
 * the 催款 mark); each row opens the contract's page (payment plan and payments).
 */
export const contracts: RecordTypeView = {
  name: 'contracts',
  place: 'customer',
  across: true,
  titleKey: 'contracts.title',
  titleField: 'title',
  defaultSort: '-signed_on',
  summaryOf: (page, locale) =>
    typeof page.outstanding === 'string'
      ? {
          key: page.payment_due ? 'contracts.summaryDue' : 'contracts.summary',
          params: {
            amount: formatMoney(String(page.contracts_amount), locale),
            paid: formatMoney(String(page.paid), locale),
            outstanding: formatMoney(page.outstanding, locale),
            overdue: formatMoney(String(page.overdue), locale),
          },
        }
      : null,
  rowLinks: (row) => [
    { key: 'contracts.open', href: `/contracts/${row.id}`, testid: 'contract-open' },
  ],
}
