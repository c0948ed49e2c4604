// Formatting of wire values for display. Times arrive as RFC 3339 UTC and are shown in local time.

// Making an Intl formatter costs far more than using one (a list page formats ~100 values): one
// per locale and style, made on first use.
const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>()
function formatter<F extends Intl.DateTimeFormat | Intl.NumberFormat>(
  key: string,
  locale: string,
  make: (locale: string) => F,
): F {
  const name = `${key} ${locale}`
  let made = formatters.get(name) as F | undefined
  if (!made) {
    made = make(locale)
    formatters.set(name, made)
  }
  return made
}

export function formatDateTime(value: string | null | undefined, locale: string): string {
  if (!value) return ''
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return formatter(
    'datetime',
    locale,
    (l) =>
      new Intl.DateTimeFormat(l, {
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }),
  ).format(date)
}

/** A time of this year without the year (a narrow list column reads at a glance); else in full. */
export function formatDateTimeShort(
  value: string | null | undefined,
  locale: string,
  now: Date = new Date(),
): string {
  const date = value ? new Date(value) : null
  if (!date || Number.isNaN(date.getTime()) || date.getFullYear() !== now.getFullYear())
    return formatDateTime(value, locale)
  return formatter(
    'datetime-short',
    locale,
    (l) =>
      new Intl.DateTimeFormat(l, {
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }),
  ).format(date)
}

/**
 * Makes the formatters of a list's times and dates ahead of their first use: the first costs tens
 * of ms (the locale's data), better spent while the password is checked than before the first row.
 */
export function prepareFormatters(locale: string): void {
  const now = new Date().toISOString()
  formatDateTimeShort(now, locale)
  formatDateTime(now, locale)
  formatDate(now, locale)
}

export function formatDate(value: string | null | undefined, locale: string): string {
  if (!value) return ''
  // A calendar date (YYYY-MM-DD) has no time zone: don't shift it.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return formatter(
    'date',
    locale,
    (l) => new Intl.DateTimeFormat(l, { year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).format(date)
}

/** A Date or date-picker value → RFC 3339 UTC without milliseconds, as the API wants. */
export function toRfc3339(value: Date | string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return null
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function formatMoney(value: string | number | null | undefined, locale: string): string {
  if (value === null || value === undefined || value === '') return ''
  const number = typeof value === 'number' ? value : Number(value)
  if (Number.isNaN(number)) return String(value)
  return formatter(
    'money',
    locale,
    (l) => new Intl.NumberFormat(l, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  ).format(number)
}
