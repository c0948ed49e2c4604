import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, onUnauthorized, request, setToken, toQuery } from '@/api/client'
import { i18n } from '@/i18n'
import { fakeFetch } from './helpers'

afterEach(() => {
  vi.unstubAllGlobals()
  setToken(null)
  onUnauthorized(null)
})

describe('toQuery', () => {
  it('leaves out empty values and keeps the rest', () => {
    expect(toQuery({ page: 2, q: '', sort: undefined, category: 'core', in_pool: false })).toBe(
      '?page=2&category=core&in_pool=false',
    )
    expect(toQuery({})).toBe('')
  })

  it('encodes Chinese search terms', () => {
    expect(toQuery({ q: '科技' })).toBe('?q=%E7%A7%91%E6%8A%80')
  })
})

describe('request', () => {
  it('sends the bearer token when one is known, and JSON bodies', async () => {
    const fake = fakeFetch({
      'POST /api/v1/customers': (body) => [201, { id: 7, ...(body as object) }],
    })
    vi.stubGlobal('fetch', fake.fn)
    setToken('abc')
    const created = await request<{ id: number; name: string }>('/customers', {
      method: 'POST',
      body: { name: '华为' },
    })
    expect(created).toEqual({ id: 7, name: '华为' })
    expect(fake.calls[0]!.headers.Authorization).toBe('Bearer abc')
    expect(fake.calls[0]!.headers['Content-Type']).toBe('application/json')
    // Marks the request as the UI's own (the server's CSRF rule for cookie sessions).
    expect(fake.calls[0]!.headers['X-Requested-With']).toBe('XMLHttpRequest')
  })

  it('turns the error body into an ApiError with code, message and details', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'POST /api/v1/customers': () => [
          422,
          {
            error: {
              code: 'validation_failed',
              message: 'bad',
              details: { fields: { name: 'required' } },
            },
          },
        ],
      }).fn,
    )
    const error = (await request('/customers', { method: 'POST', body: {} }).catch(
      (e: unknown) => e,
    )) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(422)
    expect(error.code).toBe('validation_failed')
    expect(error.fieldErrors).toEqual({ name: 'required' })
  })

  it('derives a code from the status when the body has none', async () => {
    vi.stubGlobal('fetch', async () => new Response('oops', { status: 429 }))
    const error = (await request('/x').catch((e: unknown) => e)) as ApiError
    expect(error.code).toBe('rate_limited')
  })

  it('answers 204 with undefined', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'DELETE /api/v1/customers/1': () => [204] }).fn)
    await expect(request('/customers/1', { method: 'DELETE' })).resolves.toBeUndefined()
  })

  it('reports an expired session on 401, except for requests that opt out', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/customers': () => [401, { error: { code: 'unauthenticated', message: 'x' } }],
      }).fn,
    )
    const expired = vi.fn()
    onUnauthorized(expired)
    await request('/customers').catch(() => undefined)
    expect(expired).toHaveBeenCalledTimes(1)
    await request('/customers', { skipAuthRedirect: true }).catch(() => undefined)
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('reports a network failure as network_error', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const error = (await request('/me').catch((e: unknown) => e)) as ApiError
    expect(error.code).toBe('network_error')
    expect(error.status).toBe(0)
  })
})

describe("the server's field messages", () => {
  // As the server answers an invalid phone: English text, and its key beside it.
  const invalidPhone = () =>
    new ApiError(422, 'validation_failed', 'Some fields are invalid.', {
      fields: {
        phone: 'is not a phone number (digits with an optional leading +, spaces, dashes, ...)',
        name: 'must be at most 200 characters',
        note: 'a message without a key',
      },
      field_codes: {
        phone: { code: 'not_a_phone', params: {} },
        name: { code: 'too_long', params: { max: 200 } },
      },
    })

  afterEach(() => {
    i18n.global.locale.value = 'zh-CN'
  })

  it('are shown in Chinese in the Chinese UI and in English in the English one', () => {
    i18n.global.locale.value = 'zh-CN'
    expect(invalidPhone().fieldErrors).toEqual({
      phone: '不是有效的电话号码（数字，可带开头的 +、空格、短横线、括号和分机号）',
      name: '最多 200 个字符',
      note: 'a message without a key', // the server's text, rather than nothing
    })
    i18n.global.locale.value = 'en'
    expect(invalidPhone().fieldErrors.phone).toMatch(/^Not a phone number/)
    expect(invalidPhone().fieldErrors.name).toBe('Must be at most 200 characters')
  })

  it("tell the server the UI's language", async () => {
    const fake = fakeFetch({ 'GET /api/v1/customers': () => [200, { items: [] }] })
    vi.stubGlobal('fetch', fake.fn)
    i18n.global.locale.value = 'en'
    await request('/customers')
    expect(fake.calls[0]!.headers['Accept-Language']).toBe('en')
  })
})
