import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import CustomerImportDialog from '@/modules/customers/CustomerImportDialog.vue'
import { IMPORT_POLL_MS, failureText, templateCsv } from '@/modules/customers/useCustomerImport'
import { i18n } from '@/i18n'
import type { CustomerImport } from '@/api/types'
import { fakeFetch, mountApp } from './helpers'

/** Lets promises and Vue updates settle under fake timers. */
const flush = () => vi.advanceTimersByTimeAsync(1)

/** An XMLHttpRequest stand-in: records the upload, reports progress, answers when told. */
class FakeXhr {
  static last: FakeXhr | null = null
  method = ''
  url = ''
  headers: Record<string, string> = {}
  body: unknown = null
  status = 0
  statusText = ''
  responseText = ''
  withCredentials = false
  upload: {
    onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null
  } = { onprogress: null }
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }
  send(body: unknown) {
    this.body = body
    FakeXhr.last = this
  }
  progress(fraction: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded: fraction * 100, total: 100 })
  }
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

function importOf(overrides: Partial<CustomerImport>): CustomerImport {
  return {
    id: 7,
    job_id: 3,
    created_by: 1,
    filename: 'customers.csv',
    format: 'csv',
    bytes: 120,
    duplicates: 'skip',
    dry_run: false,
    status: 'queued',
    rows_read: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    percent: 0,
    columns: { ignored: [] },
    error: null,
    error_report: null,
    created_at: '2026-11-28T08:00:00Z',
    updated_at: '2026-11-28T08:00:00Z',
    finished_at: null,
    ...overrides,
  }
}

/** Picks `file` in the dialog's file input (the dialog is teleported to the body). */
async function choose(file: File) {
  const input = document.querySelector<HTMLInputElement>('[data-testid="import-file"]')!
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change'))
  await flush()
}

beforeEach(() => {
  vi.useFakeTimers()
  FakeXhr.last = null
  vi.stubGlobal('XMLHttpRequest', FakeXhr)
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('CustomerImportDialog', () => {
  it('uploads with progress, follows the job and shows the summary with the error report', async () => {
    const fake = fakeFetch({
      'GET /api/v1/customers/imports/7': () => [
        200,
        importOf({
          status: 'done',
          rows_read: 3,
          created: 2,
          failed: 1,
          percent: 100,
          error_report: '/api/v1/customers/imports/7/errors',
          columns: { ignored: ['备注'] },
        }),
      ],
    })
    vi.stubGlobal('fetch', fake.fn)
    const wrapper = mountApp(CustomerImportDialog, {
      props: { modelValue: true },
      attachTo: document.body,
    })
    await flush()
    await choose(new File(['名称\n甲公司\n'], '客户.csv', { type: 'text/csv' }))
    expect(document.body.textContent).toContain('客户.csv')
    // Update matching customers instead of skipping them.
    const update = document.querySelectorAll<HTMLInputElement>(
      '[data-testid="import-duplicates"] input',
    )[1]!
    update.click()
    await flush()
    document.querySelector<HTMLButtonElement>('[data-testid="import-start"]')!.click()
    await flush()

    const xhr = FakeXhr.last!
    expect(xhr.method).toBe('POST')
    const url = new URL(xhr.url, 'http://localhost')
    expect(url.pathname).toBe('/api/v1/customers/import')
    expect(url.searchParams.get('duplicates')).toBe('update')
    expect(url.searchParams.get('dry_run')).toBe('false')
    expect(url.searchParams.get('filename')).toBe('客户.csv')
    expect(xhr.headers['Content-Type']).toBe('text/csv')
    expect(xhr.headers['X-Requested-With']).toBe('XMLHttpRequest')
    expect(xhr.body).toBeInstanceOf(File)

    xhr.progress(0.5)
    await flush()
    expect(
      document
        .querySelector('[data-testid="import-upload-progress"]')
        ?.getAttribute('aria-valuenow'),
    ).toBe('50')
    xhr.answer(202, { import: importOf({}), job: { id: 3, status: 'queued' } })
    await flush()
    expect(document.body.textContent).toContain('正在导入')

    await vi.advanceTimersByTimeAsync(IMPORT_POLL_MS + 10)
    await flush()
    expect(fake.calls.map((c) => c.url.pathname)).toEqual(['/api/v1/customers/imports/7'])
    const summary = document.querySelector('[data-testid="import-summary"]')!
    expect(summary.textContent).toContain('导入完成')
    expect(document.querySelector('[data-testid="import-created"]')!.textContent).toContain('2')
    expect(document.querySelector('[data-testid="import-failed"]')!.textContent).toContain('1')
    expect(summary.textContent).toContain('备注')
    expect(document.querySelector('[data-testid="import-report"]')).not.toBeNull()
    expect(wrapper.emitted('imported')).toHaveLength(1)
    // Done: no more polling.
    await vi.advanceTimersByTimeAsync(IMPORT_POLL_MS * 3)
    expect(fake.calls).toHaveLength(1)
    wrapper.unmount()
  })

  it('refuses files it cannot import before sending anything', async () => {
    const wrapper = mountApp(CustomerImportDialog, {
      props: { modelValue: true },
      attachTo: document.body,
    })
    await flush()
    await choose(new File(['x'], 'notes.txt'))
    document.querySelector<HTMLButtonElement>('[data-testid="import-start"]')!.click()
    await flush()
    expect(document.body.textContent).toContain('只支持 .csv 和 .xlsx 文件')
    expect(FakeXhr.last).toBeNull()
    wrapper.unmount()
  })

  it("shows the server's reason when it refuses the file", async () => {
    const wrapper = mountApp(CustomerImportDialog, {
      props: { modelValue: true },
      attachTo: document.body,
    })
    await flush()
    await choose(new File(['phone\n138\n'], 'x.csv'))
    document.querySelector<HTMLButtonElement>('[data-testid="import-start"]')!.click()
    await flush()
    FakeXhr.last!.answer(422, {
      error: {
        code: 'validation_failed',
        message: 'The file has no name column.',
        details: { fields: { file: 'has no name column (name or 名称)' } },
      },
    })
    await flush()
    expect(document.querySelector('[role="alert"]')?.textContent).toContain('has no name column')
    expect(document.querySelector('[data-testid="import-again"]')).not.toBeNull()
    wrapper.unmount()
  })
})

describe('a failed import', () => {
  // The job stops on a malformed file; the server stores its reason as a key with parameters
  // besides the English text, and the dialog says it in the reader's language.
  const failed = importOf({
    status: 'failed',
    rows_read: 2,
    error: 'The file has a quoted cell that is never closed in row 3, or a cell longer than 1 MiB.',
    error_code: 'unclosed_quote',
    error_params: { row: 3 },
  })

  for (const [locale, expected, english] of [
    ['zh-CN', '文件有问题：第 3 行有未闭合的引号', false],
    ['en', 'Problem with the file: Has a quoted cell that is never closed in row 3', true],
  ] as const) {
    it(`says why in ${locale}`, async () => {
      i18n.global.locale.value = locale
      try {
        expect(failureText(failed)).toContain(expected)
        // A failure without a key (an older row) shows the server's text as it is.
        expect(failureText(importOf({ status: 'failed', error: 'Disk full' }))).toBe('Disk full')
        expect(failureText(failed).includes('quoted cell')).toBe(english)
      } finally {
        i18n.global.locale.value = 'zh-CN'
      }
    })
  }
})

describe('templateCsv', () => {
  it('writes a BOM, the header and a quoted example row', async () => {
    const blob = templateCsv(['客户名称', '地址'], ['华强, 深圳', 'a "b"'])
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blob.arrayBuffer())
    expect(text).toBe('\ufeff客户名称,地址\r\n"华强, 深圳","a ""b"""\r\n')
  })
})
