// A contract's payment plan and its payments (server: domains/contracts; the contract itself is a
// record kit type under its customer, read through recordsApi).
import { request } from './client'
import type { Id } from './types'

export interface Instalment {
  instalment_no: number
  amount: string
  due_on: string
  note: string | null
  paid: string
  outstanding: string
  overdue: boolean
  overdue_since: string | null
}

export interface InstalmentPlan {
  contract_id: Id
  customer_id: Id
  /** The contract's amount. */
  amount: string
  total: string
  items: Instalment[]
}

export interface InstalmentInput {
  amount: string
  due_on: string
  note?: string | null
}

export type PaymentKind = 'payment' | 'refund' | 'correction'

export interface Payment {
  id: Id
  customer_id: Id
  contract_id: Id
  instalment_no: number | null
  kind: PaymentKind
  received_on: string
  amount: string
  /** What it adds to the contract's paid amount (negative for a refund). */
  effect: string
  from_prepayment: boolean
  method: string | null
  note: string | null
  corrects_id: Id | null
  /** The contract's number (the server answers each id field's name). */
  contract_name: string | null
  created_by: Id | null
  created_at: string
}

export interface PaymentInput {
  contract_id: Id
  kind: PaymentKind
  received_on: string
  amount: string
  method?: string
  from_prepayment?: boolean
  instalment_no?: number | null
  corrects_id?: Id | null
  note?: string | null
}

export const contractsApi = {
  plan: (contractId: Id) => request<InstalmentPlan>(`/contracts/${contractId}/instalments`),
  /** The whole plan at once; 422 naming `instalments` when it doesn't add up to the amount. */
  setPlan: (contractId: Id, instalments: InstalmentInput[]) =>
    request<InstalmentPlan>(`/contracts/${contractId}/instalments`, {
      method: 'PUT',
      body: { instalments },
    }),
  /** The contract's ledger, oldest first (a kit list across customers, filtered by contract). */
  payments: (contractId: Id) =>
    request<{ items: Payment[]; total: number }>('/payments', {
      params: { contract_id: contractId, page_size: 500 },
    }),
  addPayment: (input: PaymentInput) =>
    request<Payment>('/payments', { method: 'POST', body: input }),
}
