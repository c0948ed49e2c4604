import { describe, expect, it } from 'vitest'
import { i18n } from '@/i18n'
import { prepayments } from '@/modules/records/prepayments'
import { RECORD_TYPES } from '@/modules/records/types'

describe('record types', () => {
  it('shows the prepayment balance the server sends with the list, in the current language', () => {
    const summary = prepayments.summaryOf?.({ items: [], total: 0, balance: '25200.5' }, 'zh-CN')
    expect(summary?.key).toBe('prepayments.balance')
    const zh = i18n.global.t(summary!.key, summary!.params)
    expect(zh).toContain('预收款余额')
    expect(zh).toContain('25,200.50')
    expect(prepayments.summaryOf?.({ items: [], total: 0 }, 'en')).toBeNull()
  })

  it('lists deals, prepayments, mailings and documents, each with a title in both languages', () => {
    expect(RECORD_TYPES.map((type) => type.name)).toEqual([
      'deals',
      'prepayments',
      'mailings',
      'documents',
    ])
    for (const type of RECORD_TYPES) {
      for (const locale of ['zh-CN', 'en'] as const) {
        expect(i18n.global.te(type.titleKey, locale)).toBe(true)
      }
    }
  })
})
