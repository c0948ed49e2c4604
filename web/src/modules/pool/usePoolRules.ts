import { ref } from 'vue'
import { poolRulesApi, type PoolRules } from '@/api/poolRules'
import { useFormSubmit } from '@/composables/useFormSubmit'
import { errorText } from '@/utils/errors'

/** The order categories are shown in (the customers' category options). */
export const POOL_CATEGORIES = [
  'core',
  'potential',
  'interested',
  'not_interested',
  'closed',
  'payment_due',
] as const

/** The public-pool rules page's state: the rules as loaded, the copy being edited, saving. */
export function usePoolRules() {
  const saved = ref<PoolRules | null>(null)
  const draft = ref<PoolRules | null>(null)
  const loadFailure = ref('')
  const form = useFormSubmit()

  async function load(): Promise<void> {
    try {
      const rules = await poolRulesApi.get()
      saved.value = rules
      draft.value = structuredClone(rules) // the plain answer: a reactive copy cannot be cloned
    } catch (error) {
      loadFailure.value = errorText(error)
    }
  }

  async function save(): Promise<boolean> {
    const rules = draft.value
    if (!rules) return false
    return form.run(async () => {
      const answer = await poolRulesApi.update({
        enabled: rules.enabled,
        warn_days: rules.warn_days,
        reclaim_after_days: rules.reclaim_after_days,
        categories: rules.categories,
        role_caps: rules.role_caps
          .filter((cap) => cap.max_owned !== null || cap.max_claims_per_day !== null)
          .map(({ role_id, max_owned, max_claims_per_day }) => ({
            role_id,
            max_owned,
            max_claims_per_day,
          })),
      })
      saved.value = answer
      draft.value = structuredClone(answer)
    })
  }

  return { saved, draft, loadFailure, form, load, save }
}
