import { describe, expect, it } from 'vitest'
import { collectionOf, contentUrl, underCustomer } from '@/api/records'
import { i18n } from '@/i18n'
import { prepayments } from '@/modules/records/prepayments'
import {
  customerNamingTypes,
  customerRecordTypes,
  opportunityRecordTypes,
  pageRecordType,
  RECORD_TYPES,
} from '@/modules/records/types'

describe('record types', () => {
  it('shows the prepayment balance the server sends with the list, in the current language', () => {
    const summary = prepayments.summaryOf?.({ items: [], total: 0, balance: '25200.5' }, 'zh-CN')
    expect(summary?.key).toBe('prepayments.balance')
    const zh = i18n.global.t(summary!.key, summary!.params)
    expect(zh).toContain('预收款余额')
    expect(zh).toContain('25,200.50')
    expect(prepayments.summaryOf?.({ items: [], total: 0 }, 'en')).toBeNull()
  })

  it('shows the types under a customer on the customer page, the others as pages of their own', () => {
    expect(customerRecordTypes()).toEqual(RECORD_TYPES.filter((type) => type.place === 'customer'))
    for (const type of RECORD_TYPES) {
      // A type under a customer listed across customers has a page too.
      if (type.place === 'page' || type.across) expect(pageRecordType(type.name)).toBe(type)
      else expect(pageRecordType(type.name)).toBeUndefined()
    }
    expect(RECORD_TYPES.filter((type) => type.across).map((type) => type.name)).toEqual([
      'contracts',
      'quotes',
    ])
    expect(customerRecordTypes().map((type) => type.name)).not.toContain('opportunities')
  })

  it('puts the records that name an opportunity on its page, not on the customer page', () => {
    const onOpportunity = [
      'opportunity_contacts',
      'opportunity_needs',
      'opportunity_solutions',
      'opportunity_competitors',
    ]
    expect(opportunityRecordTypes().map((type) => type.name)).toEqual(onOpportunity)
    const onCustomer = customerRecordTypes().map((type) => type.name)
    for (const name of onOpportunity) expect(onCustomer).not.toContain(name)
    // The customer page lists its opportunities too (a page type naming its customer).
    expect(customerNamingTypes().map((type) => type.name)).toEqual(['opportunities'])
    // Each opportunity in a list opens its page.
    const opportunities = RECORD_TYPES.find((type) => type.name === 'opportunities')!
    expect(opportunities.rowLinks?.({ id: 42 } as never, '/opportunities')).toEqual([
      expect.objectContaining({ href: '/opportunities/42', key: 'pipeline.opportunity.open' }),
    ])
    expect(pageRecordType('nope')).toBeUndefined()
  })

  it('lists deals, prepayments, mailings, documents contracts, the sales types and templates, each with a title in both languages', () => {
    expect(RECORD_TYPES.map((type) => type.name)).toEqual([
      'deals',
      'prepayments',
      'mailings',
      'documents',
      'contracts',
      'opportunities',
      'opportunity_contacts',
      'opportunity_needs',
      'opportunity_solutions',
      'opportunity_competitors',
      'pipelines',
      'pipeline_stages',
      'competitors',
      'quotes',
      'products',
      'price_lists',
      'templates',
    ])
    for (const type of RECORD_TYPES) {
      for (const locale of ['zh-CN', 'en'] as const) {
        expect(i18n.global.te(type.titleKey, locale)).toBe(true)
      }
    }
  })
})

describe('where records live (collectionOf, from the metadata)', () => {
  it('puts the customer into the path of a type under a customer', () => {
    const mailings = {
      entity: 'mailings',
      collection: '/api/v1/customers/{id}/mailings',
      visibility: 'through_customer' as const,
    }
    expect(underCustomer(mailings)).toBe(true)
    expect(collectionOf(mailings, 7)).toBe('/customers/7/mailings')
    expect(contentUrl(collectionOf(mailings, 7), 3, true)).toBe(
      '/api/v1/customers/7/mailings/3/content?inline=1',
    )
    // Without a customer there is no such list: an error, not a request to "/customers/undefined".
    expect(() => collectionOf(mailings, null)).toThrow(/customer/)
    expect(() => collectionOf(mailings)).toThrow(/customer/)
    // ... unless the server lists them across customers: that list.
    expect(collectionOf({ ...mailings, across: '/api/v1/mailings' }, null)).toBe('/mailings')
    expect(collectionOf({ ...mailings, across: '/api/v1/mailings' }, 7)).toBe(
      '/customers/7/mailings',
    )
  })

  it('uses the collection as it is for own_scope and admin_only types, with or without a customer', () => {
    for (const visibility of ['own_scope', 'admin_only'] as const) {
      const departments = { entity: 'departments', collection: '/api/v1/departments', visibility }
      expect(underCustomer(departments)).toBe(false)
      expect(collectionOf(departments)).toBe('/departments')
      expect(collectionOf(departments, 7)).toBe('/departments')
    }
  })

  it('refuses metadata that names no collection', () => {
    expect(() => collectionOf({ entity: 'customers' }, 7)).toThrow(/collection/)
  })
})
