import { afterEach, describe, expect, it } from 'vitest'
import type { OwnershipChange } from '@/api/types'
import { i18n } from '@/i18n'
import OwnershipHistory from '@/modules/customers/OwnershipHistory.vue'
import { mountApp } from './helpers'

const change = (id: number, kind: OwnershipChange['kind'], reason: string): OwnershipChange => ({
  id,
  kind,
  at: '2026-12-01T18:00:00Z',
  from_user_id: 3,
  from_user_name: '张伟',
  to_user_id: null,
  to_user_name: null,
  by_user_id: null,
  by_user_name: null,
  reason,
})

const HISTORY = [
  change(1, 'recycle', 'no_followup'),
  change(2, 'recycle', 'no_deal'),
  change(3, 'release', 'no_deal'),
]

describe('ownership history', () => {
  afterEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it('says why the pool rules took a customer back, in zh-CN and en; typed reasons stay as typed', () => {
    const zh = mountApp(OwnershipHistory, { props: { history: HISTORY } })
    const lines = () => zh.findAll('.el-timeline-item').map((item) => item.text())
    expect(lines()[0]).toContain('公海规则：超期未跟进')
    expect(lines()[1]).toContain('公海规则：超期未成交')
    // A release's reason is what its user typed, even when it looks like a code.
    expect(lines()[2]).toContain('· no_deal')
    expect(zh.text()).not.toContain('no_followup')

    i18n.global.locale.value = 'en'
    const en = mountApp(OwnershipHistory, { props: { history: HISTORY } })
    const text = en.text()
    expect(text).toContain('pool rule: no follow-up in time')
    expect(text).toContain('pool rule: no deal in time')
    expect(text).not.toContain('no_followup')
  })
})
