import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { useRemoteSearch } from '@/composables/useRemoteSearch'

/** A fetch whose answers the test releases by hand, in any order. */
function controlled() {
  const pending = new Map<string, { ok: (v: string[]) => void; fail: (e: unknown) => void }>()
  const fetch = (query: string) =>
    new Promise<string[]>((ok, fail) => pending.set(query, { ok, fail }))
  return { fetch, pending }
}

describe('useRemoteSearch', () => {
  it('shows the newest query’s options even when an older answer arrives later', async () => {
    const { fetch, pending } = controlled()
    const s = useRemoteSearch(fetch)
    const first = s.search('华')
    const second = s.search('华强')
    expect(s.loading.value).toBe(true)
    pending.get('华强')!.ok(['华强科技'])
    await second
    pending.get('华')!.ok(['华为', '华强科技', '华润'])
    await first
    expect(s.options.value).toEqual(['华强科技'])
    expect(s.loading.value).toBe(false)
  })

  it('a failure empties the options and says why', async () => {
    const { fetch, pending } = controlled()
    const s = useRemoteSearch(fetch)
    const ok = s.search('a')
    pending.get('a')!.ok(['a1'])
    await ok
    const bad = s.search('b')
    pending.get('b')!.fail(new ApiError(403, 'forbidden', 'Not allowed'))
    await bad
    expect(s.options.value).toEqual([])
    expect(s.failure.value).not.toBe('')
    expect(s.loading.value).toBe(false)
  })
})
