// The activity form's model and the body it sends: times are picked as the user's zone's wall
// clock (the pickers work in the browser's zone; zone.ts moves between the two), an all-day
// activity as days. A new activity sends what is filled (and its repeat rule); an edit only what
// changed, with the version it was read at.
import type { Id } from '@/api/types'
import { toRfc3339 } from '@/utils/format'
import type { Activity, ActivityKind, RepeatFreq, RepeatRule } from './events'
import { fromPicker, startOfDay, toPicker } from './zone'

export interface Draft {
  kind: ActivityKind
  subject: string
  customer_id: Id | null
  contact_id: Id | null
  opportunity_id: Id | null
  participants: Id[]
  all_day: boolean
  /** The zone's wall clock as browser-local Dates (toPicker); for an all-day one, its days. */
  start: Date | null
  end: Date | null
  location: string
  remind_before_minutes: number | null
  /** '' : does not repeat. */
  repeat: RepeatFreq | ''
  interval: number
  ends: 'count' | 'until'
  count: number
  /** The last day ("YYYY-MM-DD", in the owner's zone). */
  until: string | null
}

/** The lead times offered for a reminder, in minutes (the server takes 0 to four weeks). */
export const REMIND_CHOICES = [0, 5, 10, 15, 30, 60, 120, 1440] as const

export function draftOf(activity: Partial<Activity>, zone: string): Draft {
  const start = activity.start_at ? Date.parse(activity.start_at) : null
  const end = activity.end_at ? Date.parse(activity.end_at) : start
  const rule = activity.repeat ?? null
  return {
    kind: activity.kind ?? 'call',
    subject: activity.subject ?? '',
    customer_id: activity.customer_id ?? null,
    contact_id: activity.contact_id ?? null,
    opportunity_id: activity.opportunity_id ?? null,
    participants: [...(activity.participants ?? [])],
    all_day: activity.all_day ?? false,
    start: start == null ? null : toPicker(start, zone),
    end: end == null ? null : toPicker(end, zone),
    location: activity.location ?? '',
    remind_before_minutes: activity.remind_before_minutes ?? null,
    repeat: rule?.freq ?? '',
    interval: rule?.interval ?? 1,
    ends: rule?.until ? 'until' : 'count',
    count: rule?.count ?? 10,
    until: rule?.until ?? null,
  }
}

/** The browser-local day of a picker's Date: "YYYY-MM-DD". */
function pickedDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** The draft's start and end as the API's instants (an all-day one: its days' starts in `zone`). */
export function draftTimes(
  draft: Pick<Draft, 'all_day' | 'start' | 'end'>,
  zone: string,
): { start_at: string | null; end_at: string | null } {
  if (!draft.start) return { start_at: null, end_at: null }
  if (draft.all_day) {
    const first = pickedDay(draft.start)
    const last = draft.end ? pickedDay(draft.end) : first
    return {
      start_at: toRfc3339(startOfDay(first, zone)),
      end_at: toRfc3339(startOfDay(last < first ? first : last, zone)),
    }
  }
  return {
    start_at: toRfc3339(fromPicker(draft.start, zone)),
    end_at: draft.end ? toRfc3339(fromPicker(draft.end, zone)) : null,
  }
}

export function repeatOf(draft: Draft): RepeatRule | null {
  if (!draft.repeat) return null
  const rule: RepeatRule = { freq: draft.repeat }
  if (draft.interval > 1) rule.interval = draft.interval
  if (draft.ends === 'until' && draft.until) rule.until = draft.until
  else rule.count = draft.count
  return rule
}

function fieldsOf(draft: Draft, zone: string): Record<string, unknown> {
  return {
    kind: draft.kind,
    subject: draft.subject.trim(),
    customer_id: draft.customer_id,
    contact_id: draft.customer_id == null ? null : draft.contact_id,
    opportunity_id: draft.customer_id == null ? null : draft.opportunity_id,
    participants: [...draft.participants].sort((a, b) => a - b),
    all_day: draft.all_day,
    ...draftTimes(draft, zone),
    location: draft.location.trim() || null,
    remind_before_minutes: draft.remind_before_minutes,
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/**
 * The POST body of a new activity (its filled fields and repeat rule), or the PATCH body of an
 * edit of `before`: the fields that changed and `version`. The repeat rule is never sent on an
 * edit (the server keeps a series' rule as created).
 */
export function draftBody(
  draft: Draft,
  zone: string,
  before: Activity | null,
): Record<string, unknown> {
  const fields = fieldsOf(draft, zone)
  if (!before) {
    const body: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(fields)) {
      if (value !== null && !(Array.isArray(value) && !value.length)) body[name] = value
    }
    const repeat = repeatOf(draft)
    if (repeat) body.repeat = repeat
    return body
  }
  const old: Record<string, unknown> = {
    ...before,
    participants: [...(before.participants ?? [])].sort((a, b) => a - b),
  }
  const body: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(fields)) {
    if (!same(value, old[name])) body[name] = value
  }
  body.version = before.version
  return body
}
