import { request } from './client'

/** One customer category's rule (null days: never recycled for that reason). */
export interface CategoryRule {
  no_followup_days: number | null
  no_deal_days: number | null
  exempt: boolean
}

export interface RoleCap {
  role_id: number
  role_name?: string
  max_owned: number | null
  max_claims_per_day: number | null
}

/** GET/PUT /settings/pool-rules (administrators): the public pool's rules (公海规则). */
export interface PoolRules {
  enabled: boolean
  warn_days: number
  reclaim_after_days: number
  categories: Record<string, CategoryRule>
  role_caps: RoleCap[]
  recycle_time?: string
  updated_at?: string | null
  updated_by?: number | null
}

/** GET /pool/quota: what the caller may still claim (nulls: no cap). */
export interface PoolQuota {
  enabled: boolean
  max_owned: number | null
  owned: number | null
  max_claims_per_day: number | null
  claims_today: number | null
  left: number | null
  reclaim_after_days: number
}

export const poolRulesApi = {
  get: () => request<PoolRules>('/settings/pool-rules'),
  update: (body: Partial<PoolRules>) =>
    request<PoolRules>('/settings/pool-rules', { method: 'PUT', body }),
  quota: () => request<PoolQuota>('/pool/quota'),
}
