import type { RecordTypeView } from './types'

/** 价格表: prices per customer category or region, valid between two dates. */
export const priceLists: RecordTypeView = {
  name: 'price_lists',
  place: 'page',
  titleKey: 'quotes.priceLists',
  titleField: 'name',
  defaultSort: '-valid_from',
  rowLinks: (row) => [
    {
      key: 'quotes.editPrices',
      href: `/price-lists/${row.id}`,
      testid: 'price-list-lines',
    },
  ],
}
