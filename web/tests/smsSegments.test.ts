// The SMS counter the template editor shows as the person types counts as the server does: both
// read the same cases (server/tests/api/sms_segments_cases.json).
import { describe, expect, it } from 'vitest'
import { countSms } from '@/modules/messages/smsSegments'
// (the server's own file: one list of cases for both counters)
import casesJson from '../../server/tests/api/sms_segments_cases.json'

interface SmsCase {
  text?: string
  repeat?: string
  times?: number
  encoding: string
  length: number
  segments: number
}

const { cases } = casesJson as { cases: SmsCase[] }
const textOf = (c: SmsCase) => c.text ?? (c.repeat ?? '').repeat(c.times ?? 0)
/** A case's name in the report: its text, or what it repeats and how often. */
const nameOf = (c: SmsCase) =>
  c.text !== undefined ? JSON.stringify(c.text) : `${JSON.stringify(c.repeat)} × ${c.times}`

describe('countSms', () => {
  it('reads the shared cases', () => {
    expect(cases.length).toBeGreaterThan(10)
  })

  it.each(cases.map((c) => [nameOf(c), c] as const))('counts %s as the server does', (_, c) => {
    expect(countSms(textOf(c))).toEqual({
      encoding: c.encoding,
      length: c.length,
      segments: c.segments,
    })
  })

  it('counts an emoji as two UTF-16 units and a line break as one GSM-7 character', () => {
    expect(countSms('😀')).toEqual({ encoding: 'ucs2', length: 2, segments: 1 })
    expect(countSms('a\nb')).toEqual({ encoding: 'gsm7', length: 3, segments: 1 })
  })
})
