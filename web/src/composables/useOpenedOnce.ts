import { ref, watch, type Ref } from 'vue'

/**
 * True from the first time `open` is: a dialog or panel built when first opened rather than with
 * its page (its pickers and poppers cost the page's first paint), then kept so it opens at once.
 * Flushed in step with `open`, so the thing is built in the same render that opens it.
 */
export function useOpenedOnce(open: Ref<boolean>): Readonly<Ref<boolean>> {
  const opened = ref(open.value)
  if (!opened.value) {
    const stop = watch(
      open,
      (isOpen) => {
        if (!isOpen) return
        opened.value = true
        stop()
      },
      { flush: 'sync' },
    )
  }
  return opened
}
