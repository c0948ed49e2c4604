import { request } from './client'
import type { Id } from './types'

/** One thing to do (GET /api/v1/todo): the members every section's items have, and their own. */
export interface TodoItem {
  entity: 'customer' | 'activity'
  id: Id
  /** The customer's name or the activity's subject. */
  title: string
  customer_id: Id | null
  customer_name: string | null
  category: string | null
  phone: string | null
  due_at: string | null
  overdue: boolean
  /** The web page that opens it (a customer's), if any. */
  link: string | null
  // Activities
  kind?: string
  status?: 'planned' | 'done' | 'cancelled'
  start_at?: string
  end_at?: string
  all_day?: boolean
  location?: string | null
  version?: number
  // Contacts due
  last_contact_at?: string | null
  // Newly assigned
  assigned_at?: string
  assigned_by_name?: string | null
  /** pool_soon: why the pool rules would take it back (no_followup | no_deal). */
  reason?: string
}

/** A section: its key (contacts_due, activities_today, newly_assigned, …), count, first items. */
export interface TodoSection {
  key: string
  count: number
  items: TodoItem[]
  overdue?: number
  open?: number
  days?: number
}

export interface Todo {
  /** Today in the user's time zone (YYYY-MM-DD). */
  date: string
  time_zone: string
  day_start: string
  day_end: string
  sections: TodoSection[]
}

export const todoApi = {
  get: (params: { limit?: number; sections?: string[] } = {}) =>
    request<Todo>('/todo', {
      params: { limit: params.limit, sections: params.sections?.join(',') },
    }),
  /** Marks an activity done (its follow-up is written by the server for a call or visit). */
  completeActivity: (id: Id, version: number) =>
    request<unknown>(`/activities/${id}`, {
      method: 'PATCH',
      body: { status: 'done', version },
    }),
}
