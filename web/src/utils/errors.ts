import { ApiError } from '@/api/client'
import { i18n } from '@/i18n'

/** The text to show a person for an error: the translation of its code, else the server's message. */
export function errorText(error: unknown): string {
  const { t, te } = i18n.global
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`
    if (te(key)) return t(key)
    if (error.message) return error.message
    return t('errors.unknown')
  }
  if (error instanceof Error && error.message) return error.message
  return t('errors.unknown')
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code)
}
