// Quotes beyond the kit's record routes (docs/QUOTES.md): a quote with its lines, the lines saved
// whole, the approval and status actions, versions, a customer's earlier prices, the discount
// limits, and price lists' lines. The quote's own fields go through recordsApi like any kit type.
import { API_BASE, request } from './client'
import type { Id, KitRecord } from './types'

export interface QuoteLine {
  position: number
  product_id: Id
  product_code: string | null
  product_name: string | null
  unit: string | null
  description: string
  quantity: string
  unit_price: string
  discount: string
  tax_rate: string
  net: string
  tax: string
  total: string
}

export interface Quote extends KitRecord {
  number: string
  revision: number
  title: string | null
  owner_id: Id
  owner_name?: string
  status: QuoteStatus
  needs_approval: boolean
  subtotal: string
  tax_total: string
  total: string
  decided_by: Id | null
  decided_by_name?: string | null
  decision_note: string | null
  previous_id: Id | null
  superseded_by: Id | null
  version: number
  lines: QuoteLine[]
  /** The owner's limit (percent); null: none. */
  discount_limit: string | null
}

export type QuoteStatus =
  'draft' | 'pending_approval' | 'approved' | 'rejected' | 'sent' | 'accepted' | 'declined'

export interface QuoteLineInput {
  product_id: Id
  quantity: string
  unit_price: string
  discount: string
  tax_rate: string
  description?: string
}

export interface PricePoint {
  unit_price: string
  discount: string
  quote_id: Id
  number: string
  quoted_at?: string
  accepted_at?: string
}

export interface ProductPrice {
  product_id: Id
  list_price: string
  price_list_price: string | null
  default_price: string
  last_quoted: PricePoint | null
  last_paid: PricePoint | null
}

export type QuoteAction = 'submit' | 'approve' | 'reject' | 'send' | 'accept' | 'decline'

export const quotesApi = {
  get: (id: Id) => request<Quote>(`/quotes/${id}`),
  putLines: (id: Id, lines: QuoteLineInput[], version?: number) =>
    request<Quote>(`/quotes/${id}/lines`, { method: 'PUT', body: { lines, version } }),
  act: (id: Id, action: QuoteAction, note?: string) =>
    request<Quote>(`/quotes/${id}/${action}`, {
      method: 'POST',
      body: action === 'approve' || action === 'reject' ? { note: note || null } : undefined,
    }),
  revise: (id: Id) => request<Quote>(`/quotes/${id}/revise`, { method: 'POST' }),
  versions: (id: Id) => request<{ items: Quote[] }>(`/quotes/${id}/versions`),
  /** `exceptQuote`: the quote being edited, whose own versions are not "quoted before". */
  productPrices: (customerId: Id, productIds: Id[], exceptQuote?: Id) =>
    request<{ items: ProductPrice[] }>(`/customers/${customerId}/product-prices`, {
      params: { product_ids: productIds.join(','), except_quote: exceptQuote },
    }),
}

/** The print view (HTML) and the PDF, opened or downloaded by the browser with its session. */
export const printUrl = (id: Id, lang: string) => `${API_BASE}/quotes/${id}/print?lang=${lang}`
export const pdfUrl = (id: Id, lang: string) => `${API_BASE}/quotes/${id}/pdf?lang=${lang}`
