import { describe, expect, it } from 'vitest'
import { dayRange, filterParamOf } from '@/components/meta/filterParams'
import { CUSTOMER_FIELDS } from './helpers'

const field = (name: string) => CUSTOMER_FIELDS.find((f) => f.name === name)!

describe('filterParamOf', () => {
  it('maps fields to the query parameters of the customers list', () => {
    expect(filterParamOf(field('category'))).toEqual({ kind: 'single', param: 'category' })
    expect(filterParamOf(field('owner_id'))).toEqual({ kind: 'single', param: 'owner_id' })
    expect(filterParamOf(field('tags'))).toEqual({ kind: 'single', param: 'tag' })
    expect(filterParamOf(field('next_contact_at'))).toEqual({
      kind: 'range',
      from: 'next_contact_after',
      to: 'next_contact_before',
    })
  })
})

describe('dayRange', () => {
  it('covers whole local days, as RFC 3339 UTC', () => {
    const [from, to] = dayRange(new Date(2026, 10, 1, 15, 0), new Date(2026, 10, 3, 9, 0))
    expect(from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    expect(new Date(from).getTime()).toBe(new Date(2026, 10, 1, 0, 0, 0).getTime())
    expect(new Date(to).getTime()).toBe(new Date(2026, 10, 3, 23, 59, 59).getTime())
  })
})
