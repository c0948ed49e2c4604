// A quote's arithmetic as the server does it (server/src/domains/quotes/quote_math.hpp,
// docs/QUOTES.md "Lines and totals"), in integers (BigInt) so the editor's live totals are the
// totals the server will save: quantity in thousandths, money in cents, percentages in hundredths.
// Per line net = round_half_up(quantity × price × (1 − discount)), tax = round_half_up(net × rate);
// the quote's totals are the sums of the rounded lines. Checked against the server's table of cases
// (tests/quoteMath.test.ts).

/** The largest amount anywhere on a quote: 1,000,000,000,000.00, in cents. */
export const MAX_QUOTE_CENTS = 100_000_000_000_000n

/** A non-negative decimal with at most `places` decimals, scaled; null for anything else. */
export function parseScaled(text: string, places: number): bigint | null {
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(text.trim())
  if (!match) return null
  const fraction = match[2] ?? ''
  if (fraction.length > places) return null
  return BigInt(match[1] + fraction.padEnd(places, '0'))
}

/** Cents as the API writes money: "1234.50". */
export function formatCents(cents: bigint): string {
  const negative = cents < 0n
  const magnitude = negative ? -cents : cents
  const whole = magnitude / 100n
  const fraction = (magnitude % 100n).toString().padStart(2, '0')
  return `${negative ? '-' : ''}${whole}.${fraction}`
}

export interface LineText {
  quantity: string
  unit_price: string
  discount: string
  tax_rate: string
}

export interface LineAmounts {
  net: bigint
  tax: bigint
  total: bigint
  /** Past MAX_QUOTE_CENTS: the server refuses it. */
  tooLarge: boolean
}

export interface QuoteTotals {
  /** null for a line whose input is not (yet) valid. */
  lines: (LineAmounts | null)[]
  subtotal: bigint
  tax: bigint
  total: bigint
  tooLarge: boolean
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator / 2n) / denominator
}

/** One line's amounts; null when a value is not one the server takes. */
export function computeLine(line: LineText): LineAmounts | null {
  const quantity = parseScaled(String(line.quantity), 3)
  const price = parseScaled(String(line.unit_price), 2)
  const discount = parseScaled(String(line.discount === '' ? '0' : line.discount), 2)
  const rate = parseScaled(String(line.tax_rate === '' ? '0' : line.tax_rate), 2)
  if (quantity === null || price === null || discount === null || rate === null) return null
  if (quantity <= 0n || discount > 10000n || rate > 10000n) return null
  const net = divideHalfUp(quantity * price * (10000n - discount), 1000n * 10000n)
  const tax = divideHalfUp(net * rate, 10000n)
  const total = net + tax
  return { net, tax, total, tooLarge: net > MAX_QUOTE_CENTS || total > MAX_QUOTE_CENTS }
}

export function computeTotals(lines: LineText[]): QuoteTotals {
  const amounts = lines.map(computeLine)
  let subtotal = 0n
  let tax = 0n
  let total = 0n
  let tooLarge = false
  for (const line of amounts) {
    if (!line) continue
    subtotal += line.net
    tax += line.tax
    total += line.total
    tooLarge = tooLarge || line.tooLarge
  }
  return { lines: amounts, subtotal, tax, total, tooLarge: tooLarge || total > MAX_QUOTE_CENTS }
}
