import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick, ref } from 'vue'
import DuplicateMatches from '@/modules/customers/DuplicateMatches.vue'
import { DUPLICATE_DELAY_MS, useDuplicateCheck } from '@/modules/customers/useDuplicateCheck'
import { fakeFetch, mountApp } from './helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

const MATCHES = [
  {
    visible: true,
    id: 3,
    name: '杭州星辰科技有限公司',
    owner_id: 5,
    owner_name: '张伟',
    reason: 'phone',
    reasons: ['phone'],
  },
  // A customer the user may not see: only that it exists, and why.
  { visible: false, reason: 'phone', reasons: ['phone'] },
]

describe('useDuplicateCheck', () => {
  it('asks the server once typing pauses, with the fields worth checking', async () => {
    const fake = fakeFetch({
      'POST /api/v1/customers/check-duplicates': () => [200, { matches: MATCHES }],
    })
    vi.stubGlobal('fetch', fake.fn)
    const model = ref<Record<string, unknown>>({})
    const check = useDuplicateCheck(model)

    model.value = { ...model.value, name: '星' }
    await nextTick()
    model.value = { ...model.value, phone: '13800000001' }
    await nextTick()
    expect(fake.calls).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(DUPLICATE_DELAY_MS + 10)
    expect(fake.calls).toHaveLength(1)
    // A one-character name is too short to mean anything; the phone is sent.
    expect(fake.calls[0]!.body).toEqual({ phone: '13800000001' })
    expect(check.matches.value).toHaveLength(2)
  })

  it('does not ask again for the same values, and never reports the record itself', async () => {
    const fake = fakeFetch({
      'POST /api/v1/customers/check-duplicates': () => [200, { matches: MATCHES }],
    })
    vi.stubGlobal('fetch', fake.fn)
    const model = ref<Record<string, unknown>>({ name: '杭州星辰', phone: '13800000001' })
    const check = useDuplicateCheck(model, ref(3))
    await check.flush()
    await check.flush()
    expect(fake.calls).toHaveLength(1)
    expect(check.matches.value.map((m) => m.visible)).toEqual([false])
  })

  it('clears the matches when the fields are emptied', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({ 'POST /api/v1/customers/check-duplicates': () => [200, { matches: MATCHES }] })
        .fn,
    )
    const model = ref<Record<string, unknown>>({ phone: '13800000001' })
    const check = useDuplicateCheck(model)
    await check.flush()
    expect(check.matches.value).toHaveLength(2)
    model.value = { phone: '' }
    expect(await check.flush()).toEqual([])
  })
})

describe('DuplicateMatches', () => {
  it('shows each match with its owner, and nothing but the reason of a customer the user may not see', () => {
    vi.useRealTimers()
    const wrapper = mountApp(DuplicateMatches, { props: { matches: MATCHES as never } })
    const items = wrapper.findAll('[data-testid="duplicate-match"]')
    expect(items).toHaveLength(2)
    expect(items[0]!.text()).toContain('杭州星辰科技有限公司')
    expect(items[0]!.text()).toContain('电话相同')
    expect(items[0]!.text()).toContain('负责人：张伟')
    expect(items[1]!.text()).toContain('（您无权查看的客户）')
    expect(items[1]!.text()).toContain('电话相同')
    expect(items[1]!.text()).not.toContain('负责人')
  })
})
