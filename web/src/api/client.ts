// The one HTTP client of the web UI. Every request goes through `request`; only the typed modules in
// this folder call it. Auth is the HttpOnly session cookie set by login; the token from the login answer
// is kept in memory and sent as a Bearer header as a fallback (for example when cookies are blocked).

import { i18n } from '@/i18n'
import type { ListParams } from './types'

export const API_BASE = '/api/v1'

/** An error answer of the API ({"error":{code,message,details}}), or a network failure. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details ?? {}
  }

  /**
   * For validation_failed: the message per field name, in the UI's language. The server sends
   * each field's complaint as English text (details.fields) and, besides, as a key with its
   * parameters (details.field_codes: {code, params}); the UI shows its own text for the key
   * (fieldErrors.<code> in the locales), and the server's text for a complaint without one.
   */
  get fieldErrors(): Record<string, string> {
    const fields = this.details.fields
    if (!fields || typeof fields !== 'object') return {}
    const codes = (this.details.field_codes ?? {}) as Record<string, FieldCode | undefined>
    const { t, te } = i18n.global
    const out: Record<string, string> = {}
    for (const [field, message] of Object.entries(fields as Record<string, unknown>)) {
      const code = codes[field]
      const key = `fieldErrors.${code?.code}`
      out[field] = code?.code && te(key) ? t(key, code.params ?? {}) : String(message)
    }
    return out
  }
}

/** A field complaint's key and parameters (details.field_codes). */
export interface FieldCode {
  code: string
  params?: Record<string, unknown>
}

/** The UI's language, which the server writes what it writes for people in (reports, exports). */
function language(): string {
  return String(i18n.global.locale.value)
}

let bearer_token: string | null = null
let unauthorized_handler: (() => void) | null = null

export function setToken(token: string | null): void {
  bearer_token = token
}

/** Called once per 401 answer (except for the login request itself): the session has expired. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorized_handler = handler
}

export function toQuery(params: ListParams | undefined): string {
  if (!params) return ''
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue
    search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: unknown
  params?: ListParams
  /** Don't treat a 401 as an expired session (login). */
  skipAuthRedirect?: boolean
  signal?: AbortSignal
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  // X-Requested-With marks the request as the UI's own: the server refuses cookie-authenticated writes
  // without it (or a JSON body), so another site can't make the browser post with our cookie.
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': language(),
    'X-Requested-With': 'XMLHttpRequest',
  }
  // A form (a file upload) is sent as the browser encodes it, with its own multipart boundary.
  const form = typeof FormData !== 'undefined' && options.body instanceof FormData
  if (options.body !== undefined && !form) headers['Content-Type'] = 'application/json'
  if (bearer_token) headers.Authorization = `Bearer ${bearer_token}`

  let response: Response
  try {
    response = await fetch(`${API_BASE}${path}${toQuery(options.params)}`, {
      method: options.method ?? 'GET',
      headers,
      body:
        options.body === undefined
          ? undefined
          : form
            ? (options.body as FormData)
            : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    throw new ApiError(0, 'network_error', String(cause))
  }

  if (response.status === 204) return undefined as T
  const text = await response.text()
  if (response.ok) return parseJson(text) as T
  throw toApiError(response.status, response.statusText, text, options.skipAuthRedirect)
}

function parseJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** An error answer's body as an ApiError; reports an expired session (401) once. */
function toApiError(
  status: number,
  statusText: string,
  text: string,
  skipAuthRedirect = false,
): ApiError {
  const data = parseJson(text)
  const wire = (data as { error?: { code?: string; message?: string; details?: unknown } })?.error
  const error = new ApiError(
    status,
    wire?.code ?? fallbackCode(status),
    wire?.message ?? statusText,
    wire?.details && typeof wire.details === 'object'
      ? (wire.details as Record<string, unknown>)
      : undefined,
  )
  if (status === 401 && !skipAuthRedirect) unauthorized_handler?.()
  return error
}

export interface UploadOptions {
  params?: ListParams
  /** The file's type; defaults to the Blob's own. */
  contentType?: string
  /** Called as the body is sent, with the fraction sent (0 to 1). */
  onProgress?: (fraction: number) => void
}

/**
 * POSTs a file as the raw request body and resolves with the JSON answer. XMLHttpRequest rather than
 * fetch, because only it reports upload progress.
 */
export function upload<T>(path: string, file: Blob, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `${API_BASE}${path}${toQuery(options.params)}`)
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Accept-Language', language())
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest')
    xhr.setRequestHeader(
      'Content-Type',
      options.contentType || file.type || 'application/octet-stream',
    )
    if (bearer_token) xhr.setRequestHeader('Authorization', `Bearer ${bearer_token}`)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0)
        options.onProgress?.(event.loaded / event.total)
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1)
        resolve(parseJson(xhr.responseText) as T)
      } else {
        reject(toApiError(xhr.status, xhr.statusText, xhr.responseText))
      }
    }
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'upload failed'))
    xhr.send(file)
  })
}

/** GETs a file (an export, a report) as a Blob, with the same authentication as every request. */
export async function download(path: string): Promise<Blob> {
  const headers: Record<string, string> = {
    'Accept-Language': language(),
    'X-Requested-With': 'XMLHttpRequest',
  }
  if (bearer_token) headers.Authorization = `Bearer ${bearer_token}`
  let response: Response
  try {
    response = await fetch(`${API_BASE}${path}`, { headers, credentials: 'same-origin' })
  } catch (cause) {
    throw new ApiError(0, 'network_error', String(cause))
  }
  if (!response.ok) {
    throw toApiError(response.status, response.statusText, await response.text())
  }
  return response.blob()
}

function fallbackCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request'
    case 401:
      return 'unauthenticated'
    case 403:
      return 'forbidden'
    case 404:
      return 'not_found'
    case 409:
      return 'conflict'
    case 413:
      return 'payload_too_large'
    case 422:
      return 'validation_failed'
    case 429:
      return 'rate_limited'
    default:
      return 'internal'
  }
}
