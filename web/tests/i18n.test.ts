import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'
import en from '@/i18n/locales/en'
import zhCN from '@/i18n/locales/zh-CN'
import { errorText } from '@/utils/errors'

function keys(object: object, prefix = ''): string[] {
  return Object.entries(object).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keys(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  )
}

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('messages', () => {
  it('English and Chinese have exactly the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  it('no message is empty', () => {
    const empty = [...keys(en), ...keys(zhCN)].filter((key) => {
      const value = key
        .split('.')
        .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], key in en ? en : zhCN)
      return value === ''
    })
    expect(empty).toEqual([])
  })
})

describe('errorText', () => {
  it('shows the translation of a known code in the current language', () => {
    const error = new ApiError(409, 'already_claimed', 'someone else was first')
    expect(errorText(error)).toBe(zhCN.errors.already_claimed)
    i18n.global.locale.value = 'en'
    expect(errorText(error)).toBe(en.errors.already_claimed)
  })

  it("falls back to the server's message for an unknown code", () => {
    expect(errorText(new ApiError(400, 'quota_exhausted', 'monthly SMS quota used up'))).toBe(
      'monthly SMS quota used up',
    )
  })

  it('has a generic text for anything else', () => {
    expect(errorText('boom')).toBe(zhCN.errors.unknown)
  })
})
