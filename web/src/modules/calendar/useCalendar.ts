import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage, ElMessageBox } from 'element-plus'
import { companyApi } from '@/api/company'
import { recordsApi } from '@/api/records'
import type { Id } from '@/api/types'
import { useSessionStore } from '@/stores/session'
import { errorText, isApiError } from '@/utils/errors'
import { ACTIVITIES_AT, moveBody, rangeParams, type Activity, type MovedEvent } from './events'
import { isKnownZone } from './zone'

/** At most this many activities in one view (4 pages of 500); more: the view says so. */
const MAX_PAGES = 4

export type ApplyTo = 'this' | 'following'
/** How a write ended: done, refused as stale (the view reloads), failed otherwise, or called off. */
export type WriteOutcome = 'saved' | 'stale' | 'failed' | 'cancelled'

/**
 * The calendar's state and its calls: the zone it shows (the user's, else the company's, else
 * the browser's), whose calendar (all the user may see, or one owner's), the activities of a
 * range, and moving one (PATCH with its version; a stale one says so and the view reloads).
 */
export function useCalendar() {
  const { t } = useI18n()
  const session = useSessionStore()

  const zone = ref<string | null>(null)
  async function resolveZone(): Promise<string> {
    const own = session.user?.time_zone
    if (isKnownZone(own)) return (zone.value = own)
    try {
      const company = (await companyApi.get()).time_zone
      if (isKnownZone(company)) return (zone.value = company)
    } catch {
      // The browser's zone, below.
    }
    return (zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC')
  }

  const canCreate = computed(() => session.can('activities.create'))
  const canEdit = computed(() => session.can('activities.edit'))
  const canDelete = computed(() => session.can('activities.delete'))
  /** A manager (a role that sees more than its own): may pick whose calendar to show. */
  const canPickOwner = computed(() => {
    const scope = session.user?.role?.data_scope
    return !!scope && scope !== 'self'
  })
  /** Whose activities (as owner) are shown; null: all the user may see. */
  const ownerId = ref<Id | null>(null)

  const loadFailure = ref('')
  const truncated = ref(false)
  /** The activities starting in [start, end), all pages up to MAX_PAGES. */
  async function fetchRange(start: Date, end: Date): Promise<Activity[]> {
    loadFailure.value = ''
    truncated.value = false
    const items: Activity[] = []
    try {
      for (let page = 1; page <= MAX_PAGES; page++) {
        const answer = await recordsApi.list(
          ACTIVITIES_AT,
          rangeParams(start, end, ownerId.value, page),
        )
        items.push(...(answer.items as unknown as Activity[]))
        if (items.length >= answer.total || !answer.items.length) return items
      }
      truncated.value = true
      return items
    } catch (error) {
      loadFailure.value = errorText(error)
      throw error
    }
  }

  /**
   * For an occurrence of a series: this one alone or this and the following ones — null when the
   * person closed the question (nothing is written).
   */
  async function askApplyTo(activity: Activity): Promise<ApplyTo | null> {
    if (activity.series_id == null) return 'this'
    try {
      await ElMessageBox.confirm(t('calendar.seriesQuestion'), t('calendar.seriesTitle'), {
        confirmButtonText: t('calendar.applyFollowing'),
        cancelButtonText: t('calendar.applyThis'),
        distinguishCancelAndClose: true,
        type: 'info',
      })
      return 'following'
    } catch (action) {
      return action === 'cancel' ? 'this' : null
    }
  }

  /**
   * Writes `body` to `activity` (with "apply_to": "following" when asked). A 409 stale_version
   * says someone changed it meanwhile: a message says so and the caller reloads.
   */
  async function update(
    activity: Activity,
    body: Record<string, unknown>,
    applyTo: ApplyTo = 'this',
  ): Promise<WriteOutcome> {
    try {
      await recordsApi.update(
        ACTIVITIES_AT,
        activity.id,
        body,
        applyTo === 'following' ? { apply_to: 'following' } : {},
      )
      return 'saved'
    } catch (error) {
      if (isApiError(error, 'stale_version')) {
        ElMessage.warning({ message: t('calendar.stale'), duration: 6000 })
        return 'stale'
      }
      ElMessage.error(errorText(error))
      return 'failed'
    }
  }

  /** Moves an activity where a drag or resize put it; 'cancelled' when the person called it off. */
  async function move(activity: Activity, moved: MovedEvent): Promise<WriteOutcome> {
    const applyTo = await askApplyTo(activity)
    if (!applyTo) return 'cancelled'
    const outcome = await update(activity, moveBody(activity, moved, zone.value!), applyTo)
    if (outcome === 'saved') ElMessage.success(t('calendar.moved'))
    return outcome
  }

  return {
    zone,
    resolveZone,
    canCreate,
    canEdit,
    canDelete,
    canPickOwner,
    ownerId,
    loadFailure,
    truncated,
    fetchRange,
    askApplyTo,
    update,
    move,
  }
}
