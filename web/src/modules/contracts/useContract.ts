// A contract's page state: the contract (a kit record under its customer), its payment plan and
// its payments, and the two writes (the whole plan; one ledger entry).
import { computed, ref } from 'vue'
import { contractsApi } from '@/api/contracts'
import type { InstalmentInput, InstalmentPlan, Payment, PaymentInput } from '@/api/contracts'
import { recordsApi } from '@/api/records'
import type { Id, KitRecord } from '@/api/types'

/** Cents of a money string ("1234.5" → 123450); null for anything else. */
export function cents(text: string): number | null {
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/** Cents back to the API's decimal string (-5 → "-0.05"). */
export function money(value: number): string {
  const sign = value < 0 ? '-' : ''
  const abs = Math.abs(value)
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/**
 * What is left to allocate of `amount` over the plan's rows (negative: allocated too much); null
 * while a row's amount is not money yet.
 */
export function stillToAllocate(amount: string, rows: { amount: string }[]): number | null {
  const total = cents(amount)
  if (total === null) return null
  let sum = 0
  for (const row of rows) {
    const value = cents(row.amount)
    if (value === null) return null
    sum += value
  }
  return total - sum
}

export function useContract(id: () => Id) {
  const contract = ref<KitRecord | null>(null)
  const plan = ref<InstalmentPlan | null>(null)
  const payments = ref<Payment[]>([])
  const loading = ref(false)
  const error = ref<unknown>(null)
  const customerId = computed(() => plan.value?.customer_id ?? null)

  async function load() {
    loading.value = true
    error.value = null
    try {
      plan.value = await contractsApi.plan(id())
      const at = `/customers/${plan.value.customer_id}/contracts`
      const [record, ledger] = await Promise.all([
        recordsApi.get(at, id()),
        contractsApi.payments(id()),
      ])
      contract.value = record
      payments.value = ledger.items
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }

  async function savePlan(rows: InstalmentInput[]) {
    plan.value = await contractsApi.setPlan(id(), rows)
    await load()
  }

  async function addPayment(input: Omit<PaymentInput, 'contract_id'>) {
    await contractsApi.addPayment({ ...input, contract_id: id() })
    await load()
  }

  return { contract, plan, payments, loading, error, customerId, load, savePlan, addPayment }
}
