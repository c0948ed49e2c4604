// Activities (GET /api/v1/activities, a record kit type) as calendar events and back: what the
// calendar shows of each, the range it asks for, and the PATCH body a drag or resize sends.
// Pure functions of the activity and the user's time zone (zone.ts), tested on their own.
import type { EventInput } from '@fullcalendar/core'
import type { Id, Timestamps } from '@/api/types'
import { toRfc3339 } from '@/utils/format'
import { addDays, dateIn, startOfDay } from './zone'

export const ACTIVITY_KINDS = ['call', 'visit', 'incoming_visit', 'meeting', 'task'] as const
export type ActivityKind = (typeof ACTIVITY_KINDS)[number]
export type ActivityStatus = 'planned' | 'done' | 'cancelled'
export type RepeatFreq = 'daily' | 'weekly' | 'monthly'

/** A repeat rule as the server takes it (activity_series.hpp). */
export interface RepeatRule {
  freq: RepeatFreq
  interval?: number
  until?: string
  count?: number
}

/** An activity as the API answers it (a kit record: its common columns, then the type's fields). */
export interface Activity extends Timestamps {
  kind: ActivityKind
  subject: string
  customer_id: Id | null
  contact_id: Id | null
  /** The opportunity it is for (one of its customer's); absent from older answers. */
  opportunity_id?: Id | null
  owner_id: Id
  owner_name?: string | null
  participants: Id[]
  start_at: string
  end_at: string | null
  all_day: boolean
  location: string | null
  status: ActivityStatus
  outcome: string | null
  remind_before_minutes: number | null
  repeat: RepeatRule | null
  series_id: Id | null
  [field: string]: unknown
}

/** Where activities live (the type's metadata says the same: "/api/v1/activities"). */
export const ACTIVITIES_AT = '/activities'

const HOUR = 3600000

/** Kinds whose completion writes the customer's follow-up on the server (FollowupKindOf). */
export function writesFollowup(activity: Pick<Activity, 'kind' | 'customer_id'>): boolean {
  return activity.kind !== 'meeting' && activity.kind !== 'task' && activity.customer_id != null
}

/**
 * The event of an activity in `zone`. A timed one runs from its start to its end (the server
 * fills an end an hour after a start sent without one); an all-day one covers the days of its
 * start and end in the zone, the end exclusive as FullCalendar's (and iCalendar's) are.
 */
export function toEvent(activity: Activity, zone: string, editable: boolean): EventInput {
  const base: EventInput = {
    id: String(activity.id),
    title: activity.subject,
    classNames: [`cal-kind-${activity.kind}`, `cal-status-${activity.status}`],
    editable: editable && activity.status === 'planned',
    extendedProps: { activity },
  }
  const startMs = Date.parse(activity.start_at)
  const endMs = activity.end_at ? Math.max(Date.parse(activity.end_at), startMs) : startMs
  if (activity.all_day) {
    return {
      ...base,
      allDay: true,
      start: dateIn(startMs, zone),
      end: addDays(dateIn(endMs, zone), 1),
    }
  }
  return {
    ...base,
    allDay: false,
    start: activity.start_at,
    end: toRfc3339(endMs > startMs ? endMs : startMs + HOUR) ?? undefined,
  }
}

/** What the calendar says of an event after a drag or a resize (FullCalendar's EventApi). */
export interface MovedEvent {
  allDay: boolean
  /** The true instants (the zone plugin makes FullCalendar's Dates real ones). */
  start: Date | null
  end: Date | null
  /** "YYYY-MM-DD…": for an all-day event, its first day and the day after its last. */
  startStr: string
  endStr: string
}

/**
 * The PATCH body that moves `activity` where the calendar put it: its new start and end (an
 * all-day one from the first day's start to its last day's start in `zone`, as the feed reads
 * them), `all_day` when a drag changed it, and the version it was read at (409 stale_version
 * when someone changed it since).
 */
export function moveBody(
  activity: Pick<Activity, 'all_day' | 'start_at' | 'end_at' | 'version'>,
  moved: MovedEvent,
  zone: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  if (moved.allDay) {
    const first = moved.startStr.slice(0, 10)
    const last = moved.endStr ? addDays(moved.endStr.slice(0, 10), -1) : first
    body.start_at = toRfc3339(startOfDay(first, zone))
    body.end_at = toRfc3339(startOfDay(last < first ? first : last, zone))
  } else {
    const start = moved.start!.getTime()
    // From all-day to a time slot FullCalendar gives no end: an hour, as a new activity.
    const end = moved.end && !activity.all_day ? moved.end.getTime() : start + HOUR
    body.start_at = toRfc3339(start)
    body.end_at = toRfc3339(end)
  }
  if (moved.allDay !== activity.all_day) body.all_day = moved.allDay
  body.version = activity.version
  return body
}

/**
 * The list parameters of the activities that start in [start, end) — the visible range; the
 * server's `start_at_to` is exclusive — of one owner when given.
 */
export function rangeParams(
  start: Date,
  end: Date,
  ownerId: Id | null,
  page = 1,
  pageSize = 500,
): Record<string, string | number> {
  const params: Record<string, string | number> = {
    start_at_from: toRfc3339(start)!,
    start_at_to: toRfc3339(end)!,
    sort: 'start_at',
    page,
    page_size: pageSize,
  }
  if (ownerId != null) params.owner_id = ownerId
  return params
}

/**
 * A new activity's times from a slot clicked or a range selected: a day in the month view (or
 * the all-day row) is an all-day activity; a time slot starts there, an hour long unless a range
 * was dragged.
 */
export function slotTimes(
  slot: { allDay: boolean; start: Date; end: Date | null; startStr: string; endStr?: string },
  zone: string,
): { start_at: string; end_at: string; all_day: boolean } {
  if (slot.allDay) {
    const first = slot.startStr.slice(0, 10)
    const endDay = slot.endStr ? addDays(slot.endStr.slice(0, 10), -1) : first
    const last = endDay < first ? first : endDay
    return {
      all_day: true,
      start_at: toRfc3339(startOfDay(first, zone))!,
      end_at: toRfc3339(startOfDay(last, zone))!,
    }
  }
  const start = slot.start.getTime()
  const end =
    slot.end && slot.end.getTime() - start > 30 * 60000 ? slot.end.getTime() : start + HOUR
  return { all_day: false, start_at: toRfc3339(start)!, end_at: toRfc3339(end)! }
}
