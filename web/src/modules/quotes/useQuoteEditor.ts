import { computed, ref } from 'vue'
import { recordsApi } from '@/api/records'
import {
  quotesApi,
  type ProductPrice,
  type Quote,
  type QuoteAction,
  type QuoteLineInput,
} from '@/api/quotes'
import type { Id, KitRecord } from '@/api/types'
import { useFormSubmit } from '@/composables/useFormSubmit'
import { useSessionStore } from '@/stores/session'
import { errorText } from '@/utils/errors'
import { computeTotals, formatCents, parseScaled } from './quoteMath'

/** A line being edited: the API's input as text, as the boxes hold it. */
export interface DraftLine extends QuoteLineInput {
  key: number
}

/**
 * One quote in the editor: the quote and its lines, the lines as edited with live totals computed
 * as the server will (quoteMath), the prices this customer was quoted and paid before for each
 * product, the products to pick from, and the actions (save lines, submit, approve, ...).
 */
export function useQuoteEditor(id: () => Id) {
  const session = useSessionStore()
  const quote = ref<Quote | null>(null)
  const lines = ref<DraftLine[]>([])
  const products = ref<KitRecord[]>([])
  const prices = ref<Record<number, ProductPrice>>({})
  const versions = ref<Quote[]>([])
  const loadFailure = ref('')
  const dirty = ref(false)
  const form = useFormSubmit()
  let nextKey = 1

  function take(q: Quote): void {
    quote.value = q
    lines.value = q.lines.map((l) => ({
      key: nextKey++,
      product_id: l.product_id,
      quantity: l.quantity,
      unit_price: l.unit_price,
      discount: l.discount,
      tax_rate: l.tax_rate,
      description: l.description,
    }))
    dirty.value = false
  }

  async function loadPrices(): Promise<void> {
    const q = quote.value
    const ids = [...new Set(lines.value.map((l) => l.product_id).filter((p) => p > 0))]
    if (!q || !ids.length || q.customer_id == null) return
    try {
      const answer = await quotesApi.productPrices(q.customer_id, ids, q.id)
      const byId: Record<number, ProductPrice> = { ...prices.value }
      for (const item of answer.items) byId[item.product_id] = item
      prices.value = byId
    } catch {
      // The hints beside the lines are a help, not the page: the editor works without them.
    }
  }

  async function load(): Promise<void> {
    loadFailure.value = ''
    try {
      take(await quotesApi.get(id()))
      const [page, history] = await Promise.all([
        recordsApi.list('/products', { page_size: 200, active: 'true', sort: 'code' }),
        quotesApi.versions(id()),
      ])
      products.value = page.items
      versions.value = history.items
      await loadPrices()
    } catch (error) {
      loadFailure.value = errorText(error)
    }
  }

  const totals = computed(() => computeTotals(lines.value))
  const maxDiscount = computed(() =>
    lines.value.reduce((max, l) => {
      const d = parseScaled(String(l.discount || '0'), 2)
      return d !== null && d > max ? d : max
    }, 0n),
  )
  /** Whether the lines as edited need approval (the server judges again on save). */
  const needsApproval = computed(() => {
    const limit = quote.value?.discount_limit
    if (limit == null) return false
    const bp = parseScaled(limit, 2)
    return bp !== null && maxDiscount.value > bp
  })
  const closed = computed(
    () =>
      !!quote.value &&
      (quote.value.superseded_by != null ||
        quote.value.status === 'accepted' ||
        quote.value.status === 'declined'),
  )
  const canEdit = computed(() => session.can('quotes.edit') && !closed.value)

  function addLine(): void {
    lines.value.push({
      key: nextKey++,
      product_id: 0,
      quantity: '1',
      unit_price: '',
      discount: '0',
      tax_rate: '13',
    })
    dirty.value = true
  }
  function removeLine(key: number): void {
    lines.value = lines.value.filter((l) => l.key !== key)
    dirty.value = true
  }
  /** A product picked for a line: its price for this customer (price list, else list price). */
  async function pickProduct(line: DraftLine): Promise<void> {
    dirty.value = true
    const product = products.value.find((p) => p.id === line.product_id)
    if (product) line.unit_price = String(product.list_price ?? '')
    await loadPrices()
    const known = prices.value[line.product_id]
    if (known) line.unit_price = known.default_price
  }

  async function saveLines(): Promise<boolean> {
    const q = quote.value
    if (!q) return false
    return form.run(async () => {
      take(
        await quotesApi.putLines(
          q.id,
          lines.value.map(({ key: _key, ...input }) => input),
          q.version,
        ),
      )
      await loadPrices()
    })
  }

  async function act(action: QuoteAction, note?: string): Promise<boolean> {
    const q = quote.value
    if (!q) return false
    if (dirty.value && canEdit.value && !(await saveLines())) return false
    return form.run(async () => {
      take(await quotesApi.act(q.id, action, note))
      versions.value = (await quotesApi.versions(q.id)).items
    })
  }

  async function revise(): Promise<Id | null> {
    const q = quote.value
    if (!q) return null
    let created: Id | null = null
    await form.run(async () => {
      created = (await quotesApi.revise(q.id)).id
    })
    return created
  }

  return {
    quote,
    lines,
    products,
    prices,
    versions,
    loadFailure,
    dirty,
    form,
    totals,
    needsApproval,
    closed,
    canEdit,
    formatCents,
    load,
    addLine,
    removeLine,
    pickProduct,
    saveLines,
    act,
    revise,
  }
}
