// The calendar's logic (modules/calendar): wall-clock time in the user's zone, activities as
// events, the PATCH body of a drag, the body of the form, and the range asked for.
import { describe, expect, it } from 'vitest'
import { draftBody, draftOf, draftTimes, repeatOf } from '@/modules/calendar/draft'
import {
  moveBody,
  rangeParams,
  slotTimes,
  toEvent,
  writesFollowup,
  type Activity,
} from '@/modules/calendar/events'
import {
  addDays,
  dateIn,
  fromPicker,
  instantOf,
  offsetAt,
  startOfDay,
  toPicker,
  wallAt,
} from '@/modules/calendar/zone'

const SHANGHAI = 'Asia/Shanghai'
const BERLIN = 'Europe/Berlin'
const ms = (iso: string) => Date.parse(iso)

function activity(fields: Partial<Activity> = {}): Activity {
  return {
    id: 7,
    version: 3,
    created_at: '2026-12-01T00:00:00Z',
    updated_at: '2026-12-01T00:00:00Z',
    kind: 'call',
    subject: '回访',
    customer_id: 11,
    contact_id: null,
    owner_id: 1,
    participants: [],
    start_at: '2026-12-08T02:00:00Z',
    end_at: '2026-12-08T03:00:00Z',
    all_day: false,
    location: null,
    status: 'planned',
    outcome: null,
    remind_before_minutes: null,
    repeat: null,
    series_id: null,
    ...fields,
  }
}

describe('time zones (Intl)', () => {
  it('reads the wall clock of a zone, whatever the browser is in', () => {
    expect(wallAt(ms('2026-12-08T02:00:00Z'), SHANGHAI)).toEqual([2026, 11, 8, 10, 0, 0, 0])
    expect(offsetAt(ms('2026-07-01T00:00:00Z'), BERLIN)).toBe(120)
    expect(offsetAt(ms('2026-12-01T00:00:00Z'), BERLIN)).toBe(60)
    expect(dateIn(ms('2026-12-08T17:00:00Z'), SHANGHAI)).toBe('2026-12-09')
  })

  it("names the instant of a zone's wall clock across both daylight-saving changes", () => {
    // Berlin 2026: clocks go forward on 29 March at 02:00, back on 25 October at 03:00.
    expect(instantOf([2026, 2, 29, 1, 30, 0, 0], BERLIN)).toBe(ms('2026-03-29T00:30:00Z'))
    expect(instantOf([2026, 2, 29, 5, 0, 0, 0], BERLIN)).toBe(ms('2026-03-29T03:00:00Z'))
    // 02:30 does not exist that night: read with the offset before, it is 03:30 summer time.
    expect(instantOf([2026, 2, 29, 2, 30, 0, 0], BERLIN)).toBe(ms('2026-03-29T01:30:00Z'))
    // 02:30 on 25 October happens twice: the first (summer time) is taken.
    expect(instantOf([2026, 9, 25, 2, 30, 0, 0], BERLIN)).toBe(ms('2026-10-25T00:30:00Z'))
    expect(instantOf([2026, 9, 25, 9, 0, 0, 0], BERLIN)).toBe(ms('2026-10-25T08:00:00Z'))
    expect(startOfDay('2026-12-09', SHANGHAI)).toBe(ms('2026-12-08T16:00:00Z'))
  })

  it('moves between the zone and a picker in the browser zone and back', () => {
    const at = ms('2026-12-08T02:00:00Z')
    const picked = toPicker(at, SHANGHAI)
    expect([picked.getHours(), picked.getMinutes(), picked.getDate()]).toEqual([10, 0, 8])
    expect(fromPicker(picked, SHANGHAI)).toBe(at)
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
  })
})

describe('activities as events', () => {
  it('shows a timed activity at its instants and an all-day one on its days in the zone', () => {
    const timed = toEvent(activity(), SHANGHAI, true)
    expect(timed).toMatchObject({
      id: '7',
      title: '回访',
      allDay: false,
      start: '2026-12-08T02:00:00Z',
      end: '2026-12-08T03:00:00Z',
      editable: true,
    })
    expect(timed.classNames).toEqual(['cal-kind-call', 'cal-status-planned'])
    // From the first day's start to the last day's start (Shanghai): 9 and 10 December.
    const allDay = toEvent(
      activity({
        all_day: true,
        start_at: '2026-12-08T16:00:00Z',
        end_at: '2026-12-09T16:00:00Z',
      }),
      SHANGHAI,
      true,
    )
    expect(allDay).toMatchObject({ allDay: true, start: '2026-12-09', end: '2026-12-11' })
    // The same instants are other days in Berlin.
    expect(
      toEvent(activity({ all_day: true, start_at: '2026-12-08T16:00:00Z' }), BERLIN, true),
    ).toMatchObject({ start: '2026-12-08' })
  })

  it('lets only a planned activity be dragged, by someone who may edit', () => {
    expect(toEvent(activity({ status: 'done' }), SHANGHAI, true).editable).toBe(false)
    expect(toEvent(activity(), SHANGHAI, false).editable).toBe(false)
    // No end (or one before the start): an hour.
    expect(toEvent(activity({ end_at: null }), SHANGHAI, true).end).toBe('2026-12-08T03:00:00Z')
  })

  it('says which activities write a follow-up when done', () => {
    expect(writesFollowup({ kind: 'call', customer_id: 1 })).toBe(true)
    expect(writesFollowup({ kind: 'incoming_visit', customer_id: 1 })).toBe(true)
    expect(writesFollowup({ kind: 'meeting', customer_id: 1 })).toBe(false)
    expect(writesFollowup({ kind: 'call', customer_id: null })).toBe(false)
  })
})

describe('a drag or resize as a PATCH body', () => {
  it('sends the new start and end with the version read', () => {
    const body = moveBody(
      activity(),
      {
        allDay: false,
        start: new Date('2026-12-09T06:00:00Z'),
        end: new Date('2026-12-09T07:30:00Z'),
        startStr: '2026-12-09T14:00:00+08:00',
        endStr: '2026-12-09T15:30:00+08:00',
      },
      SHANGHAI,
    )
    expect(body).toEqual({
      start_at: '2026-12-09T06:00:00Z',
      end_at: '2026-12-09T07:30:00Z',
      version: 3,
    })
  })

  it("makes an all-day activity start and end on its days' starts in the zone", () => {
    const body = moveBody(
      activity(),
      {
        allDay: true,
        start: new Date('2026-12-09T16:00:00Z'),
        end: new Date('2026-12-11T16:00:00Z'),
        startStr: '2026-12-10',
        endStr: '2026-12-12',
      },
      SHANGHAI,
    )
    expect(body).toEqual({
      start_at: '2026-12-09T16:00:00Z',
      end_at: '2026-12-10T16:00:00Z',
      all_day: true,
      version: 3,
    })
  })

  it('gives an all-day activity dropped on a time slot an hour', () => {
    const body = moveBody(
      activity({ all_day: true }),
      {
        allDay: false,
        start: new Date('2026-12-09T01:00:00Z'),
        end: null,
        startStr: '2026-12-09T09:00:00+08:00',
        endStr: '',
      },
      SHANGHAI,
    )
    expect(body).toEqual({
      start_at: '2026-12-09T01:00:00Z',
      end_at: '2026-12-09T02:00:00Z',
      all_day: false,
      version: 3,
    })
  })
})

describe('the range and a new activity from a slot', () => {
  it('asks for the activities starting in the visible range, of one owner when picked', () => {
    const params = rangeParams(
      new Date('2026-12-06T16:00:00Z'),
      new Date('2026-12-13T16:00:00Z'),
      null,
    )
    expect(params).toEqual({
      start_at_from: '2026-12-06T16:00:00Z',
      start_at_to: '2026-12-13T16:00:00Z',
      sort: 'start_at',
      page: 1,
      page_size: 500,
    })
    expect(rangeParams(new Date(0), new Date(1000), 5, 2).owner_id).toBe(5)
  })

  it('makes a clicked time slot an hour and a clicked day an all-day activity', () => {
    const start = new Date('2026-12-09T06:00:00Z')
    expect(
      slotTimes(
        { allDay: false, start, end: new Date('2026-12-09T06:30:00Z'), startStr: '' },
        SHANGHAI,
      ),
    ).toEqual({ all_day: false, start_at: '2026-12-09T06:00:00Z', end_at: '2026-12-09T07:00:00Z' })
    expect(
      slotTimes(
        { allDay: false, start, end: new Date('2026-12-09T08:00:00Z'), startStr: '' },
        SHANGHAI,
      ).end_at,
    ).toBe('2026-12-09T08:00:00Z')
    expect(
      slotTimes(
        { allDay: true, start, end: null, startStr: '2026-12-09', endStr: '2026-12-10' },
        SHANGHAI,
      ),
    ).toEqual({ all_day: true, start_at: '2026-12-08T16:00:00Z', end_at: '2026-12-08T16:00:00Z' })
  })
})

describe('the form', () => {
  it('sends a new activity with its filled fields and its repeat rule', () => {
    const draft = draftOf(
      { start_at: '2026-12-09T06:00:00Z', end_at: '2026-12-09T07:00:00Z', all_day: false },
      SHANGHAI,
    )
    draft.kind = 'meeting'
    draft.subject = '  周例会 '
    draft.participants = [5, 2]
    draft.remind_before_minutes = 15
    draft.repeat = 'weekly'
    draft.count = 8
    expect(draftBody(draft, SHANGHAI, null)).toEqual({
      kind: 'meeting',
      subject: '周例会',
      participants: [2, 5],
      all_day: false,
      start_at: '2026-12-09T06:00:00Z',
      end_at: '2026-12-09T07:00:00Z',
      remind_before_minutes: 15,
      repeat: { freq: 'weekly', count: 8 },
    })
    draft.ends = 'until'
    draft.until = '2027-03-31'
    draft.interval = 2
    expect(repeatOf(draft)).toEqual({ freq: 'weekly', interval: 2, until: '2027-03-31' })
  })

  it('sends only what an edit changed, with the version, and never the repeat rule', () => {
    const before = activity({
      participants: [3, 1],
      repeat: { freq: 'daily', count: 3 },
      series_id: 7,
    })
    const draft = draftOf(before, SHANGHAI)
    expect(draftBody(draft, SHANGHAI, before)).toEqual({ version: 3 })
    draft.participants = [1, 3, 4]
    draft.location = '上海'
    draft.customer_id = null
    expect(draftBody(draft, SHANGHAI, before)).toEqual({
      customer_id: null,
      participants: [1, 3, 4],
      location: '上海',
      version: 3,
    })
  })

  it('sends the opportunity an activity is for, and drops it with the customer', () => {
    const before = activity({ opportunity_id: 42 })
    const draft = draftOf(before, SHANGHAI)
    expect(draftBody(draft, SHANGHAI, before)).toEqual({ version: 3 })
    draft.opportunity_id = 43
    expect(draftBody(draft, SHANGHAI, before)).toEqual({ opportunity_id: 43, version: 3 })
    draft.customer_id = null
    expect(draftBody(draft, SHANGHAI, before)).toEqual({
      customer_id: null,
      opportunity_id: null,
      version: 3,
    })
    const fresh = draftOf({ start_at: '2026-12-09T06:00:00Z', customer_id: 11 }, SHANGHAI)
    fresh.subject = '方案演示'
    fresh.opportunity_id = 42
    expect(draftBody(fresh, SHANGHAI, null)).toMatchObject({ customer_id: 11, opportunity_id: 42 })
  })

  it("takes an all-day activity's days in the user's zone", () => {
    const draft = draftOf({}, SHANGHAI)
    draft.all_day = true
    draft.start = new Date(2026, 11, 9)
    draft.end = new Date(2026, 11, 10)
    expect(draftTimes(draft, SHANGHAI)).toEqual({
      start_at: '2026-12-08T16:00:00Z',
      end_at: '2026-12-09T16:00:00Z',
    })
    expect(draftTimes(draft, BERLIN)).toEqual({
      start_at: '2026-12-08T23:00:00Z',
      end_at: '2026-12-09T23:00:00Z',
    })
  })
})
