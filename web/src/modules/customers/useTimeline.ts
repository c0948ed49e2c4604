import { computed, ref, shallowRef } from 'vue'
import { timelineApi, type TimelineEntry, type TimelineKind } from '@/api/timeline'
import type { Id } from '@/api/types'
import { errorText } from '@/utils/errors'

/** Entries per page of the timeline (the server's default; at most 200). */
export const TIMELINE_PAGE = 20

/**
 * A customer's timeline: the entries read so far (newest first), the kinds the user may see and
 * the ones chosen, and "more" by the server's cursor. Changing the chosen kinds starts over.
 */
export function useTimeline(customerId: () => Id) {
  const entries = shallowRef<TimelineEntry[]>([])
  const kinds = shallowRef<TimelineKind[]>([])
  /** The kinds to show; empty: all of them. */
  const chosen = ref<string[]>([])
  const cursor = ref<string | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref('')
  const hasMore = computed(() => cursor.value !== null)
  // Answers to an earlier request (the kinds changed meanwhile) are dropped.
  let generation = 0

  function kindOf(kind: string): TimelineKind | undefined {
    return kinds.value.find((k) => k.kind === kind)
  }

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    error.value = ''
    try {
      const page = await timelineApi.page(customerId(), {
        limit: TIMELINE_PAGE,
        kinds: chosen.value,
      })
      if (mine !== generation) return
      entries.value = page.items
      kinds.value = page.kinds
      cursor.value = page.next_cursor
    } catch (cause) {
      if (mine === generation) error.value = errorText(cause)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    if (!cursor.value || loadingMore.value) return
    const mine = generation
    loadingMore.value = true
    error.value = ''
    try {
      const page = await timelineApi.page(customerId(), {
        limit: TIMELINE_PAGE,
        kinds: chosen.value,
        cursor: cursor.value,
      })
      if (mine !== generation) return
      entries.value = [...entries.value, ...page.items]
      cursor.value = page.next_cursor
    } catch (cause) {
      if (mine === generation) error.value = errorText(cause)
    } finally {
      loadingMore.value = false
    }
  }

  async function choose(next: string[]): Promise<void> {
    chosen.value = next
    await load()
  }

  return {
    entries,
    kinds,
    chosen,
    hasMore,
    loading,
    loadingMore,
    error,
    kindOf,
    load,
    loadMore,
    choose,
  }
}
