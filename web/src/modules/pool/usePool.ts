import { ref } from 'vue'
import { poolApi } from '@/api/pool'
import { poolRulesApi, type PoolQuota } from '@/api/poolRules'
import type { Customer, ListParams } from '@/api/types'
import { useEntityMeta } from '@/composables/useEntityMeta'
import { useList } from '@/composables/useList'
import { i18n } from '@/i18n'
import { errorText, isApiError } from '@/utils/errors'
import { formatDateTime } from '@/utils/format'

export type ClaimResult = { ok: true } | { ok: false; conflict: boolean; message: string }

/** What to tell a person whose claim failed. */
export function claimFailure(error: unknown): ClaimResult & { ok: false } {
  const { t, locale } = i18n.global
  // A customer that was in the pool a moment ago and is now invisible (404) was taken by someone
  // whose customers this user may not see: for the person it is the same conflict.
  if (isApiError(error, 'already_claimed') || isApiError(error, 'not_found')) {
    return { ok: false, conflict: true, message: t('errors.already_claimed') }
  }
  // Refused by the pool rules: which rule, with how many are left or from when.
  if (isApiError(error, 'forbidden') && error.details.reason === 'reclaim_too_soon') {
    const until = String(error.details.until ?? '')
    const when = until ? formatDateTime(until, locale.value) : ''
    return { ok: false, conflict: true, message: t('pool.reclaimTooSoon', { when }) }
  }
  if (isApiError(error, 'rate_limited') && typeof error.details.limit === 'string') {
    const message = Object.values(error.fieldErrors)[0] ?? errorText(error)
    return { ok: false, conflict: true, message }
  }
  return { ok: false, conflict: isApiError(error, 'conflict'), message: errorText(error) }
}

/** The public pool: customers without an owner, and claiming one (first come, first served). */
export function usePool() {
  const meta = useEntityMeta('customers')
  const list = useList<Customer>((params: ListParams) => poolApi.list(params), {
    syncRoute: true,
    defaultSort: '-updated_at',
  })
  const claiming = ref<number | null>(null)
  // What the pool rules still let this user claim (null: no cap, or not known).
  const quota = ref<PoolQuota | null>(null)

  async function loadQuota(): Promise<void> {
    try {
      quota.value = await poolRulesApi.quota()
    } catch {
      quota.value = null // the hint is a courtesy; the claim itself says what is wrong
    }
  }

  async function claim(customer: Customer): Promise<ClaimResult> {
    claiming.value = customer.id
    try {
      await poolApi.claim(customer.id)
      return { ok: true }
    } catch (error) {
      return claimFailure(error)
    } finally {
      claiming.value = null
      // Claimed by us or by someone else: either way it leaves the pool.
      await Promise.all([list.load(), loadQuota()])
    }
  }

  async function start(): Promise<void> {
    await meta.load()
    await Promise.all([list.load(), loadQuota()])
  }

  return { meta, ...list, claiming, quota, claim, start }
}
