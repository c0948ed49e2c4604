// The contract page's money arithmetic (the plan editor's live "still to allocate") and the
// contract list's summary line with the 催款 mark.
import { describe, expect, it } from 'vitest'
import { cents, money, stillToAllocate } from '@/modules/contracts/useContract'
import { contracts } from '@/modules/records/contracts'
import { i18n } from '@/i18n'

describe('contract money', () => {
  it('reads and writes two-place decimals as integer cents', () => {
    expect(cents('1234.5')).toBe(123450)
    expect(cents('1000000000000.00')).toBe(100000000000000)
    expect(cents('0.07')).toBe(7)
    for (const bad of ['1.005', '-1', '1e3', '', 'abc']) expect(cents(bad)).toBeNull()
    expect(money(123450)).toBe('1234.50')
    expect(money(-5)).toBe('-0.05')
  })

  it('shows what is left to allocate, exactly', () => {
    expect(stillToAllocate('1000.00', [{ amount: '400.00' }])).toBe(60000)
    expect(stillToAllocate('0.30', [{ amount: '0.10' }, { amount: '0.20' }])).toBe(0)
    expect(stillToAllocate('1000.00', [{ amount: '1000.01' }])).toBe(-1)
    expect(stillToAllocate('1000.00', [{ amount: '4x' }])).toBeNull()
  })
})

describe('the contract list summary', () => {
  it('names the 催款 mark when the customer is payment due, in both languages', () => {
    const page = {
      contracts_amount: '1000.00',
      paid: '100.00',
      outstanding: '900.00',
      overdue: '300.00',
      payment_due: true,
    }
    const summary = contracts.summaryOf?.(page, 'en')
    expect(summary?.key).toBe('contracts.summaryDue')
    for (const locale of ['zh-CN', 'en'] as const) {
      const text = i18n.global.t(summary!.key, summary!.params, { locale })
      expect(text).toContain(locale === 'en' ? 'Payment due' : '催款')
      expect(text).toContain('900')
    }
    expect(contracts.summaryOf?.({ ...page, payment_due: false }, 'en')?.key).toBe(
      'contracts.summary',
    )
  })
})
