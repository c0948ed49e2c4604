import type { RecordTypeView } from './types'

/** 产品: what quotes are made of; administrators keep the list, everyone reads it. */
export const products: RecordTypeView = {
  name: 'products',
  place: 'page',
  titleKey: 'quotes.products',
  titleField: 'name',
  defaultSort: 'code',
  pageSize: 20,
}
