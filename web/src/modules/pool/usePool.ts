import { ref } from 'vue'
import { poolApi } from '@/api/pool'
import type { Customer, ListParams } from '@/api/types'
import { useEntityMeta } from '@/composables/useEntityMeta'
import { useList } from '@/composables/useList'
import { i18n } from '@/i18n'
import { errorText, isApiError } from '@/utils/errors'

export type ClaimResult = { ok: true } | { ok: false; conflict: boolean; message: string }

/** The public pool: customers without an owner, and claiming one (first come, first served). */
export function usePool() {
  const meta = useEntityMeta('customers')
  const list = useList<Customer>((params: ListParams) => poolApi.list(params), {
    syncRoute: true,
    defaultSort: '-updated_at',
  })
  const claiming = ref<number | null>(null)

  async function claim(customer: Customer): Promise<ClaimResult> {
    claiming.value = customer.id
    try {
      await poolApi.claim(customer.id)
      return { ok: true }
    } catch (error) {
      // A customer that was in the pool a moment ago and is now invisible (404) was taken by someone
      // whose customers this user may not see: for the person it is the same conflict.
      if (isApiError(error, 'already_claimed') || isApiError(error, 'not_found')) {
        return { ok: false, conflict: true, message: i18n.global.t('errors.already_claimed') }
      }
      return { ok: false, conflict: isApiError(error, 'conflict'), message: errorText(error) }
    } finally {
      claiming.value = null
      // Claimed by us or by someone else: either way it leaves the pool.
      await list.load()
    }
  }

  async function start(): Promise<void> {
    await meta.load()
    await list.load()
  }

  return { meta, ...list, claiming, claim, start }
}
