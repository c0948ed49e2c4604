// The record kit's types the web shows (ADR 0006). The server declares each type's fields,
// labels, rules and where its records live (GET /meta/<name>); the web adds only what a person
// sees around them. Adding a type: a file like mailings.ts, a line in RECORD_TYPES, and its texts
// in both locale files; a type not under a customer (place 'page') also a menu line to
// /records/<name> (modules/shell/menu.ts).
import type { RouteLocationNormalized } from 'vue-router'
import type { RecordHooks } from './hooks'
import { contracts } from './contracts'
import { deals } from './deals'
import { documents } from './documents'
import { mailings } from './mailings'
import { prepayments } from './prepayments'
import {
  competitors,
  opportunities,
  opportunityCompetitors,
  opportunityContacts,
  opportunityNeeds,
  opportunitySolutions,
  pipelineStages,
  pipelines,
} from './pipeline'
import { priceLists } from './priceLists'
import { products } from './products'
import { quotes } from './quotes'
import { templates } from './templates'

export interface RecordTypeView extends RecordHooks {
  /**
   * The server's type name: route segment and permission prefix
   * (<name>.view|create|edit|delete|export).
   */
  name: string
  /** i18n key of the type's plural title (a tab), e.g. "mailings.title". */
  titleKey: string
  /** The field that names a record: the first column, a card's title. */
  titleField: string
  /** The list's first order, e.g. "-sent_on"; empty: the server's default. */
  defaultSort?: string
  /** Rows per page (default 10). */
  pageSize?: number
  /**
   * Where it is shown: 'customer', a tab of the customer page (a type under a customer);
   * 'page', a page of its own at /records/<name> (a type that is not: own_scope, admin_only);
   * 'opportunity', a tab of the opportunity page (a type under a customer that names its
   * opportunity in `opportunity_id`).
   */
  place: 'customer' | 'page' | 'opportunity'
  /**
   * A 'page' type that names its customer in `customer_id`: also a tab of the customer page,
   * listing (and making) that customer's records.
   */
  onCustomerPage?: boolean
  /**
   * A 'customer' type the server also lists across customers (its metadata's `across`): a page of
   * its own at /records/<name> too — every customer's records the user may read, each row naming
   * its customer (read, edit and delete there; new ones are made on the customer's page).
   */
  across?: boolean
}

/** Every type the web shows; those placed on the customer page are its tabs, in this order. */
export const RECORD_TYPES: readonly RecordTypeView[] = [
  deals,
  prepayments,
  mailings,
  documents,
  contracts,
  opportunities,
  opportunityContacts,
  opportunityNeeds,
  opportunitySolutions,
  opportunityCompetitors,
  pipelines,
  pipelineStages,
  competitors,
  quotes,
  products,
  priceLists,
  templates,
]

export function recordType(name: string): RecordTypeView | undefined {
  return RECORD_TYPES.find((type) => type.name === name)
}

/** The tabs of the customer page: the types under a customer. */
export function customerRecordTypes(): RecordTypeView[] {
  return RECORD_TYPES.filter((type) => type.place === 'customer')
}

/**
 * The tabs of the customer page for types of their own pages that name a customer (their records
 * there are fixed to it: `{ customer_id }`).
 */
export function customerNamingTypes(): RecordTypeView[] {
  return RECORD_TYPES.filter((type) => type.place === 'page' && type.onCustomerPage)
}

/** The tabs of the opportunity page: the types that name an opportunity (opportunity_id). */
export function opportunityRecordTypes(): RecordTypeView[] {
  return RECORD_TYPES.filter((type) => type.place === 'opportunity')
}

/**
 * A type shown on a page of its own (/records/<name>): a 'page' type, or one under a customer listed
 * across customers; undefined for any other name.
 */
export function pageRecordType(name: string): RecordTypeView | undefined {
  const type = recordType(name)
  return type?.place === 'page' || type?.across ? type : undefined
}

/** Titles a /records/<name> route after its type (the route meta's title, which the shell shows). */
export function nameRecordRoute(to: RouteLocationNormalized): void {
  to.meta.title = pageRecordType(String(to.params.type))?.titleKey
}
