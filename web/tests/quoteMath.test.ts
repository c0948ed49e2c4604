// The editor's live totals agree with the server's on the same table of awkward cases
// (server/tests/api/quote_totals_cases.json, which QuotesTest and QuoteMathTest check too).
import { describe, expect, it } from 'vitest'
import cases from '../../server/tests/api/quote_totals_cases.json'
import { computeLine, computeTotals, formatCents, parseScaled } from '@/modules/quotes/quoteMath'

interface Case {
  name: string
  lines: {
    quantity: string
    unit_price: string
    discount: string
    tax_rate: string
    net: string
    tax: string
    total: string
  }[]
  subtotal: string
  tax: string
  total: string
}

const table = cases as { cases: Case[] }

describe('quote totals', () => {
  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const totals = computeTotals(c.lines)
    c.lines.forEach((line, i) => {
      expect(formatCents(totals.lines[i]!.net)).toBe(line.net)
      expect(formatCents(totals.lines[i]!.tax)).toBe(line.tax)
      expect(formatCents(totals.lines[i]!.total)).toBe(line.total)
    })
    expect(formatCents(totals.subtotal)).toBe(c.subtotal)
    expect(formatCents(totals.tax)).toBe(c.tax)
    expect(formatCents(totals.total)).toBe(c.total)
    expect(totals.tooLarge).toBe(false)
  })

  it('refuses what the server refuses', () => {
    const line = { quantity: '1', unit_price: '10.00', discount: '0', tax_rate: '13' }
    expect(computeLine({ ...line, quantity: '-1' })).toBeNull()
    expect(computeLine({ ...line, quantity: '0' })).toBeNull()
    expect(computeLine({ ...line, quantity: '1.0001' })).toBeNull()
    expect(computeLine({ ...line, discount: '100.01' })).toBeNull()
    expect(computeLine({ ...line, unit_price: '1.001' })).toBeNull()
    expect(computeLine({ ...line, unit_price: '1000000000000.00', tax_rate: '1' })?.tooLarge).toBe(
      true,
    )
    expect(parseScaled('2.5', 3)).toBe(2500n)
    expect(formatCents(5n)).toBe('0.05')
  })
})
