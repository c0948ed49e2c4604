import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { useOpenedOnce } from '@/composables/useOpenedOnce'

describe('useOpenedOnce', () => {
  it('is false until first opened, then stays true (in step with the opening)', () => {
    const open = ref(false)
    const opened = useOpenedOnce(open)
    expect(opened.value).toBe(false)
    open.value = true
    expect(opened.value).toBe(true) // the same render that opens it builds it
    open.value = false
    expect(opened.value).toBe(true)
  })

  it('is true at once for something built open', () => {
    expect(useOpenedOnce(ref(true)).value).toBe(true)
  })
})
