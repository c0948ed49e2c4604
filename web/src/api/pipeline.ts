// The pipeline's routes besides the kit's (issue 16): a pipeline's board, an opportunity's stage
// history and its timeline. Opportunities, pipelines, stages and competitors themselves are kit
// records (api/records.ts).
import { request } from './client'
import type { Id, RecordChange } from './types'

export interface BoardStage {
  id: Id
  name: string
  name_en: string | null
  position: number
  probability: number
  is_won: boolean
  is_lost: boolean
  days_limit: number | null
}

export interface BoardCard {
  id: Id
  name: string
  customer_id: Id
  customer_name: string
  owner_id: Id | null
  owner_name: string | null
  amount: string | null
  probability: number | null
  expected_close_on: string | null
  stage_entered_at: string | null
  stale: boolean
  status: 'open' | 'won' | 'lost'
  version: number
}

export interface BoardColumn {
  stage: BoardStage
  count: number
  amount: string
  cards: BoardCard[]
}

export interface Board {
  pipeline: { id: Id; name: string; name_en: string | null }
  closed_days: number
  columns: BoardColumn[]
}

export interface BoardFilters {
  owner_id?: Id | null
  department_id?: Id | null
}

export interface StageStay {
  stage_id: Id
  stage_name: string
  stage_name_en: string | null
  entered_at: string
  left_at: string | null
  current: boolean
  seconds: number
  days: number
}

export const pipelineApi = {
  board: (pipelineId: Id, filters: BoardFilters = {}) => {
    const params: Record<string, string> = {}
    if (filters.owner_id) params.owner_id = String(filters.owner_id)
    if (filters.department_id) params.department_id = String(filters.department_id)
    return request<Board>(`/pipelines/${pipelineId}/board`, { params })
  },
  /** Moves a card: a PATCH of its stage with the version the board read (409 when stale). */
  move: (
    card: Pick<BoardCard, 'id' | 'version'>,
    stageId: Id,
    extra: Record<string, unknown> = {},
  ) =>
    request<{ version: number }>(`/opportunities/${card.id}`, {
      method: 'PATCH',
      body: { stage_id: stageId, version: card.version, ...extra },
    }),
  stageHistory: (id: Id) => request<{ items: StageStay[] }>(`/opportunities/${id}/stage-history`),
  /** A page of an opportunity's timeline, newest first; `cursor`: the page after that one. */
  timeline: (id: Id, cursor?: string) =>
    request<{ items: OpportunityTimelineItem[]; next_cursor: string | null }>(
      `/opportunities/${id}/timeline`,
      { params: cursor ? { cursor } : undefined },
    ),
}

/** A stage's or pipeline's name in the UI's language: name_en in English when it is set. */
export function labelOf(item: { name: string; name_en: string | null }, locale: string): string {
  return locale.startsWith('en') && item.name_en ? item.name_en : item.name
}

/**
 * An entry of an opportunity's timeline: its own changes (created, update, delete, restore, from
 * its audit rows), the records made on it (need, solution, competitor, contact) and the activities,
 * quotes and contracts for it, each with a summary.
 */
export interface OpportunityTimelineItem {
  kind:
    | 'created'
    | 'update'
    | 'delete'
    | 'restore'
    | 'need'
    | 'solution'
    | 'competitor'
    | 'contact'
    | 'activity'
    | 'quote'
    | 'contract'
    | (string & {})
  at: string
  user_id: Id | null
  user_name: string | null
  changes?: Record<string, RecordChange>
  reason?: string
  record_id?: Id
  summary?: Record<string, unknown>
}
