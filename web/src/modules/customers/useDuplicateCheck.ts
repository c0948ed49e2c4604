import { ref, shallowRef, watch, type Ref } from 'vue'
import { customersApi, type DuplicateQuery } from '@/api/customers'
import type { DuplicateMatch, Id } from '@/api/types'

export const DUPLICATE_DELAY_MS = 400

/**
 * Asks the server for possible duplicates while name, phone and e-mail are typed (debounced), so the
 * matches show before saving. The customer being edited is not its own duplicate.
 */
export function useDuplicateCheck(
  model: Ref<Record<string, unknown>>,
  selfId?: Ref<Id | undefined>,
) {
  const matches = shallowRef<DuplicateMatch[]>([])
  const checking = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  let controller: AbortController | null = null
  let lastKey = ''

  function query(): DuplicateQuery {
    const text = (name: string) => {
      const value = model.value[name]
      return typeof value === 'string' ? value.trim() : ''
    }
    const result: DuplicateQuery = {}
    const name = text('name')
    const phone = text('phone')
    const email = text('email')
    if (name.length >= 2) result.name = name
    if (phone.length >= 5) result.phone = phone
    if (email.includes('@')) result.email = email
    return result
  }

  async function check(): Promise<DuplicateMatch[]> {
    const q = query()
    const key = JSON.stringify(q)
    if (key === lastKey) return matches.value
    lastKey = key
    controller?.abort()
    if (!q.name && !q.phone && !q.email) {
      matches.value = []
      return []
    }
    controller = new AbortController()
    checking.value = true
    try {
      const answer = await customersApi.checkDuplicates(q, controller.signal)
      const own = selfId?.value
      matches.value = answer.matches.filter((m) => own === undefined || m.id !== own)
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return matches.value
      // Duplicate checking is advisory; the server still refuses a real duplicate on save.
      lastKey = ''
    } finally {
      checking.value = false
    }
    return matches.value
  }

  watch(
    () => [model.value.name, model.value.phone, model.value.email],
    () => {
      clearTimeout(timer)
      timer = setTimeout(() => void check(), DUPLICATE_DELAY_MS)
    },
  )

  /** Run now (before save) instead of waiting for the debounce. */
  function flush(): Promise<DuplicateMatch[]> {
    clearTimeout(timer)
    return check()
  }

  function show(list: DuplicateMatch[]): void {
    matches.value = list
  }

  return { matches, checking, flush, show }
}
