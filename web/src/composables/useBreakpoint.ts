import { ref, type Ref } from 'vue'

export const PHONE_QUERY = '(max-width: 768px)'

let shared: Ref<boolean> | null = null

/** True at phone width: lists become cards, forms one column, the side menu a drawer. */
export function useIsPhone(): Ref<boolean> {
  if (!shared) {
    shared = ref(false)
    if (typeof window !== 'undefined' && typeof window.matchMedia === 'function') {
      const media = window.matchMedia(PHONE_QUERY)
      shared.value = media.matches
      media.addEventListener?.('change', (event) => {
        if (shared) shared.value = event.matches
      })
    }
  }
  return shared
}
