// Public-pool rules (#15 item 7) on the web: a claim the rules refuse says which rule and how many
// claims are left (or from when), in both languages; the administrators' rules page saves what was
// edited and shows the server's complaint beside the field it names.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'
import PoolRulesPage from '@/modules/pool/PoolRulesPage.vue'
import { claimFailure } from '@/modules/pool/usePool'
import { fakeFetch, mountApp, waitFor } from './helpers'

const dailyCap = () =>
  new ApiError(429, 'rate_limited', 'You have made as many claims today', {
    limit: 'max_claims_per_day',
    max: 5,
    used: 5,
    left: 0,
    fields: { max_claims_per_day: 'you have claimed 5 customers today' },
    field_codes: {
      max_claims_per_day: { code: 'daily_claims_reached', params: { max: 5, used: 5, left: 0 } },
    },
  })

function rules() {
  const rule = (f: number | null, d: number | null, exempt = false) => ({
    no_followup_days: f,
    no_deal_days: d,
    exempt,
  })
  return {
    enabled: false,
    warn_days: 3,
    reclaim_after_days: 7,
    categories: {
      core: rule(60, 180),
      potential: rule(30, 90),
      interested: rule(30, 90),
      not_interested: rule(15, null),
      closed: rule(null, null, true),
      payment_due: rule(null, null, true),
    },
    role_caps: [
      { role_id: 1, role_name: 'admin', max_owned: null, max_claims_per_day: null },
      { role_id: 3, role_name: 'sales', max_owned: null, max_claims_per_day: 20 },
    ],
    recycle_time: '02:00',
    updated_at: null,
    updated_by: null,
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
  i18n.global.locale.value = 'zh-CN'
})

describe('a claim the pool rules refuse', () => {
  it('says how many claims are left today, in Chinese and in English', () => {
    i18n.global.locale.value = 'zh-CN'
    const zh = claimFailure(dailyCap())
    expect(zh.conflict).toBe(true)
    expect(zh.message).toContain('每天最多领取 5 个')
    expect(zh.message).toContain('今天还可领取 0 个')
    i18n.global.locale.value = 'en'
    const en = claimFailure(dailyCap())
    expect(en.message).toContain('5 a day')
    expect(en.message).toContain('0 left today')
  })

  it('says from when the previous owner may claim it back', () => {
    const error = new ApiError(403, 'forbidden', 'recently', {
      reason: 'reclaim_too_soon',
      until: '2026-12-14T02:00:00Z',
      days: 7,
    })
    i18n.global.locale.value = 'en'
    expect(claimFailure(error).message).toMatch(/claim it again from .*2026/)
    i18n.global.locale.value = 'zh-CN'
    expect(claimFailure(error).message).toMatch(/2026.*起才能再次领取/)
  })
})

describe('the pool rules page', () => {
  it('saves the rules as edited and shows a field complaint beside its field', async () => {
    let saved: Record<string, unknown> | undefined
    let reject = true
    const fake = fakeFetch({
      'GET /api/v1/settings/pool-rules': () => [200, rules()],
      'PUT /api/v1/settings/pool-rules': (body) => {
        saved = body as Record<string, unknown>
        if (reject) {
          return [
            422,
            {
              error: {
                code: 'validation_failed',
                message: 'Some fields are invalid.',
                details: {
                  fields: { 'categories.potential.no_followup_days': 'must be an integer' },
                  field_codes: {
                    'categories.potential.no_followup_days': { code: 'not_an_integer' },
                  },
                },
              },
            },
          ]
        }
        return [200, { ...rules(), enabled: true }]
      },
    })
    vi.stubGlobal('fetch', fake.fn)
    const wrapper = mountApp(PoolRulesPage)
    await waitFor(() => wrapper.find('[data-testid="pool-rule-potential"]').exists())
    expect(wrapper.find('[data-testid="pool-rule-potential"]').text()).toContain('潜在')
    expect(wrapper.find('[data-testid="pool-cap-sales"]').exists()).toBe(true)
    await wrapper.find('[data-testid="pool-rules-enabled"]').trigger('click')
    await wrapper.find('form').trigger('submit')
    const potential = () => wrapper.find('[data-testid="pool-rule-potential"]').text()
    await waitFor(() => potential().includes('必须是整数'), 10000)
    expect(saved?.enabled).toBe(true)
    // Only roles with a cap are sent.
    expect(saved?.role_caps).toEqual([{ role_id: 3, max_owned: null, max_claims_per_day: 20 }])
    expect(potential()).toContain('必须是整数')

    reject = false
    await wrapper.find('form').trigger('submit')
    await waitFor(() => !potential().includes('必须是整数'), 10000)
    expect(potential()).not.toContain('必须是整数')
  })
})
