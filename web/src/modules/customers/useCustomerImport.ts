// State and actions of one customer import: upload with progress, then the job's progress by
// polling, then the result. The dialog renders it; the API module is its only way to the server.

import { computed, onBeforeUnmount, ref } from 'vue'
import { ApiError } from '@/api/client'
import { importsApi, type ImportOptions } from '@/api/customers'
import type { CustomerImport } from '@/api/types'
import { saveBlob } from '@/utils/download'
import { errorText } from '@/utils/errors'
import { i18n } from '@/i18n'

export type ImportPhase = 'choose' | 'uploading' | 'running' | 'done' | 'failed'

export const IMPORT_POLL_MS = 1000

/** The columns of the downloadable template, in the order of the server's template. */
export const TEMPLATE_FIELDS = [
  'name',
  'category',
  'phone',
  'email',
  'industry',
  'region',
  'source',
  'address',
  'tags',
  'owner_id',
  'next_contact_at',
] as const

/** A CSV template: a header row of `labels` (the server knows them in Chinese and English) and one
 * example row. A byte-order mark makes spreadsheets read it as UTF-8. */
export function templateCsv(labels: string[], example: string[]): Blob {
  const line = (cells: string[]) =>
    cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')
  return new Blob([`\ufeff${line(labels)}\r\n${line(example)}\r\n`], {
    type: 'text/csv;charset=utf-8',
  })
}

export { saveBlob }

/** A failed import's reason in the UI's language: its key's text, else the server's English. */
export function failureText(job: CustomerImport): string {
  const { t, te } = i18n.global
  const key = `fieldErrors.${job.error_code}`
  if (job.error_code && te(key)) {
    return t('customers.import.fileFailed', { reason: t(key, job.error_params ?? {}) })
  }
  return job.error ?? ''
}

export function useCustomerImport() {
  const phase = ref<ImportPhase>('choose')
  const uploaded = ref(0) // percent of the file sent
  const current = ref<CustomerImport | null>(null)
  const failure = ref('')
  let timer: ReturnType<typeof setTimeout> | undefined
  let active = true

  const finished = computed(() => phase.value === 'done' || phase.value === 'failed')

  function stopPolling(): void {
    clearTimeout(timer)
    timer = undefined
  }

  function show(next: CustomerImport): void {
    current.value = next
    if (next.status === 'done') phase.value = 'done'
    else if (next.status === 'failed') {
      phase.value = 'failed'
      failure.value = failureText(next)
    } else phase.value = 'running'
  }

  async function poll(): Promise<void> {
    if (!current.value || !active) return
    try {
      show(await importsApi.get(current.value.id))
    } catch (error) {
      phase.value = 'failed'
      failure.value = errorText(error)
      return
    }
    if (phase.value === 'running' && active) timer = setTimeout(() => void poll(), IMPORT_POLL_MS)
  }

  async function start(file: File, options: ImportOptions): Promise<void> {
    stopPolling()
    failure.value = ''
    uploaded.value = 0
    current.value = null
    phase.value = 'uploading'
    try {
      const answer = await importsApi.start(file, options, (fraction) => {
        uploaded.value = Math.round(fraction * 100)
      })
      show(answer.import)
    } catch (error) {
      phase.value = 'failed'
      // A file the server refused at once names the problem (no name column, not a workbook).
      const file = error instanceof ApiError ? error.fieldErrors.file : undefined
      failure.value = file ? `${errorText(error)}: ${file}` : errorText(error)
      return
    }
    // (show() has moved the phase on; TypeScript still sees 'uploading' here.)
    if ((phase.value as ImportPhase) === 'running') {
      timer = setTimeout(() => void poll(), IMPORT_POLL_MS)
    }
  }

  async function downloadReport(): Promise<void> {
    if (!current.value) return
    try {
      saveBlob(
        await importsApi.errorReport(current.value.id),
        `import-${current.value.id}-errors.csv`,
      )
    } catch (error) {
      failure.value = errorText(error)
    }
  }

  function reset(): void {
    stopPolling()
    phase.value = 'choose'
    uploaded.value = 0
    current.value = null
    failure.value = ''
  }

  onBeforeUnmount(() => {
    active = false
    stopPolling()
  })

  return { phase, uploaded, current, failure, finished, start, poll, downloadReport, reset }
}
