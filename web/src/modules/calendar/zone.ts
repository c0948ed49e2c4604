// Wall-clock time in an IANA time zone (the user's, from /me, else the company's) with the
// browser's Intl alone: the calendar shows and moves activities in that zone whatever zone the
// browser is in. FullCalendar takes it as a named-time-zone plugin (zonePlugin), which saves a
// date library in the calendar's chunk.
import { createPlugin, type PluginDef } from '@fullcalendar/core'
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal'

/** [year, month 0–11, day, hour, minute, second, millisecond], as FullCalendar's arrays are. */
export type WallArray = number[]

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, formatter)
  }
  return formatter
}

/** Whether the browser knows `zone` (an unknown one would throw in every conversion). */
export function isKnownZone(zone: string | null | undefined): zone is string {
  if (!zone) return false
  try {
    formatterOf(zone)
    return true
  } catch {
    return false
  }
}

/** The wall clock in `zone` at the instant `ms`. */
export function wallAt(ms: number, zone: string): WallArray {
  const parts: Record<string, number> = {}
  for (const part of formatterOf(zone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  const millis = ((ms % 1000) + 1000) % 1000
  return [
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour! % 24,
    parts.minute!,
    parts.second!,
    millis,
  ]
}

const utcOf = (a: WallArray) =>
  Date.UTC(a[0]!, a[1] ?? 0, a[2] ?? 1, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0)

/** The zone's offset from UTC in minutes (east positive) at the instant `ms`. */
export function offsetAt(ms: number, zone: string): number {
  return Math.round((utcOf(wallAt(ms, zone)) - ms) / 60000)
}

/**
 * The instant a wall-clock time in `zone` names. A time skipped by a daylight-saving change
 * (02:30 on the spring-forward night) is read with the offset before the change (so it lands
 * after it, 03:30); a time that occurs twice takes the first, as RFC 5545 and the server do.
 */
export function instantOf(wall: WallArray, zone: string): number {
  const asUtc = utcOf(wall)
  // The offset a few hours either side: equal except near a change.
  const before = offsetAt(asUtc - 12 * 3600000, zone)
  const after = offsetAt(asUtc + 12 * 3600000, zone)
  const first = asUtc - before * 60000
  if (before === after) return first
  const second = asUtc - after * 60000
  const fits = (ms: number) => utcOf(wallAt(ms, zone)) === asUtc
  if (fits(first)) return first
  if (fits(second)) return second
  return first
}

/** The date ("YYYY-MM-DD") in `zone` at the instant `ms`. */
export function dateIn(ms: number, zone: string): string {
  const [y, m, d] = wallAt(ms, zone)
  return `${String(y).padStart(4, '0')}-${String(m! + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** A day ("YYYY-MM-DD") `days` later (earlier when negative), by the calendar. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number)
  const date = new Date(Date.UTC(y!, m! - 1, d! + days))
  return date.toISOString().slice(0, 10)
}

/** The instant a day ("YYYY-MM-DD") starts in `zone`. */
export function startOfDay(day: string, zone: string): number {
  const [y, m, d] = day.split('-').map(Number)
  return instantOf([y!, m! - 1, d!, 0, 0, 0, 0], zone)
}

/**
 * A Date whose browser-local wall clock reads what `zone`'s does at `ms` — what a date picker
 * (which works in the browser's zone) shows — and back (fromPicker).
 */
export function toPicker(ms: number, zone: string): Date {
  const [y, m, d, h, min, s] = wallAt(ms, zone)
  return new Date(y!, m!, d!, h!, min!, s!)
}
export function fromPicker(date: Date, zone: string): number {
  return instantOf(
    [
      date.getFullYear(),
      date.getMonth(),
      date.getDate(),
      date.getHours(),
      date.getMinutes(),
      date.getSeconds(),
      0,
    ],
    zone,
  )
}

class IntlNamedTimeZone extends NamedTimeZoneImpl {
  offsetForArray(a: number[]): number {
    const ms = instantOf(a, this.timeZoneName)
    return Math.round((utcOf(a) - ms) / 60000)
  }
  timestampToArray(ms: number): number[] {
    return wallAt(ms, this.timeZoneName)
  }
}

/** FullCalendar's named time zones (`timeZone: 'Asia/Shanghai'`) by Intl. */
export const zonePlugin: PluginDef = createPlugin({
  name: 'guanxi-intl-zone',
  namedTimeZonedImpl: IntlNamedTimeZone,
})
