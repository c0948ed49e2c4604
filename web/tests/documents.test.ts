import { afterEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import type { EntityMeta, KitRecord, Me } from '@/api/types'
import { useIsPhone } from '@/composables/useBreakpoint'
import { i18n } from '@/i18n'
import RecordPanel from '@/modules/records/RecordPanel.vue'
import { documents } from '@/modules/records/documents'
import { RECORD_TYPES } from '@/modules/records/types'
import { useSessionStore } from '@/stores/session'
import { flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

const META: EntityMeta = {
  entity: 'documents',
  collection: '/api/v1/customers/{id}/documents',
  visibility: 'through_customer',
  label: { 'zh-CN': '文档', en: 'Document' },
  fields: [
    {
      name: 'file_name',
      type: 'string',
      required: true,
      max_length: 255,
      label_key: 'documents.fields.file_name',
      label: { 'zh-CN': '文件名', en: 'File name' },
      list: true,
      sort: true,
      search: true,
    },
    {
      name: 'content_type',
      type: 'string',
      readonly: true,
      label_key: 'documents.fields.content_type',
      label: { 'zh-CN': '文件类型', en: 'Type' },
      list: true,
      filter: true,
    },
    {
      name: 'size',
      type: 'integer',
      readonly: true,
      label_key: 'documents.fields.size',
      label: { 'zh-CN': '大小（字节）', en: 'Size (bytes)' },
      list: true,
      sort: true,
    },
    { name: 'note', type: 'text', label_key: 'documents.fields.note', max_length: 1000 },
  ],
}

const CUSTOMER = 7
const PATH = `/api/v1/customers/${CUSTOMER}/documents`

function doc(id: number, file_name: string, content_type: string, size: number): KitRecord {
  return {
    id,
    customer_id: CUSTOMER,
    file_name,
    content_type,
    size,
    sha256: 'ab'.repeat(32),
    note: null,
    version: 1,
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-01T08:00:00Z',
  }
}

interface Call {
  method: string
  path: string
  body: BodyInit | null | undefined
  headers: Record<string, string>
}

/** The kit's routes for one customer's documents; an upload answers as the server would. */
function fakeServer(refuse?: {
  status: number
  code: string
  message: string
  details: Record<string, unknown>
}) {
  let rows = [doc(1, '报价单.pdf', 'application/pdf', 2048), doc(2, '名单.csv', 'text/csv', 90)]
  const calls: Call[] = []
  const fn = async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://localhost')
    const method = init.method ?? 'GET'
    calls.push({
      method,
      path: url.pathname,
      body: init.body,
      headers: (init.headers ?? {}) as Record<string, string>,
    })
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      })
    if (url.pathname === '/api/v1/meta/documents') return json(200, META)
    if (method === 'GET' && url.pathname === PATH)
      return json(200, { items: rows, total: rows.length, page: 1, page_size: 10 })
    if (method === 'POST' && url.pathname === PATH) {
      if (refuse)
        return json(refuse.status, {
          error: { code: refuse.code, message: refuse.message, details: refuse.details },
        })
      const file = (init.body as FormData).get('file') as File
      const row = doc(3, file.name, 'image/png', file.size)
      rows = [row, ...rows]
      return json(201, row)
    }
    return json(404, { error: { code: 'not_found', message: 'nope' } })
  }
  vi.stubGlobal('fetch', fn)
  return calls
}

const ALL = ['documents.view', 'documents.create', 'documents.edit', 'documents.delete']

async function mountPanel(permissions: string[] = ALL) {
  const wrapper = mountApp(RecordPanel, {
    props: { type: documents, customerId: CUSTOMER },
    attachTo: document.body,
  })
  useSessionStore().user = { id: 1, username: 'u', permissions } as unknown as Me
  await settle()
  return wrapper
}

const byTestId = (id: string) =>
  [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)].filter(
    (el) => !el.closest('[style*="display: none"], .hidden-columns'),
  )

async function pick(wrapper: VueWrapper, file: File) {
  const input = wrapper.find<HTMLInputElement>('[data-testid="record-file"]')
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
  await settle()
}

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  useIsPhone().value = false
  i18n.global.locale.value = 'zh-CN'
})

describe('documents', () => {
  it('is a tab of the customer page, titled in both languages', () => {
    expect(RECORD_TYPES).toContain(documents)
    expect(i18n.global.te('documents.title', 'zh-CN')).toBe(true)
    expect(i18n.global.te('documents.title', 'en')).toBe(true)
  })

  it('uploads a picked file as a form and lists it', async () => {
    const calls = fakeServer()
    mounted = await mountPanel()
    // An upload button instead of the form's "new".
    expect(byTestId('record-new')).toHaveLength(0)
    expect(byTestId('record-upload')[0]!.textContent).toContain('上传文件')
    await pick(mounted, new File(['\x89PNG'], '合同扫描.png', { type: 'image/png' }))
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toBeInstanceOf(FormData)
    const sent = (post.body as FormData).get('file') as File
    expect(sent.name).toBe('合同扫描.png')
    // The browser sets the multipart Content-Type with its boundary; the UI marks the request.
    expect(post.headers['Content-Type']).toBeUndefined()
    expect(post.headers['X-Requested-With']).toBe('XMLHttpRequest')
    expect(calls.filter((c) => c.method === 'GET' && c.path === PATH)).toHaveLength(2)
    expect(mounted.text()).toContain('合同扫描.png')
  })

  it('says why a file was refused: its type, or the size limit', async () => {
    fakeServer({
      status: 415,
      code: 'unsupported_media_type',
      message: 'Programs and scripts are not accepted as documents.',
      details: { field: 'file', content_type: 'application/x-dosexec' },
    })
    mounted = await mountPanel()
    await pick(mounted, new File(['MZ'], 'invoice.pdf'))
    expect(document.querySelector('.el-message--error')?.textContent).toContain(
      '不接受这种文件（application/x-dosexec）',
    )
    expect(mounted.text()).not.toContain('invoice.pdf')
    mounted.unmount()
    document.body.innerHTML = ''

    fakeServer({
      status: 413,
      code: 'payload_too_large',
      message: 'The file is larger than 25 MiB.',
      details: { field: 'file', max_bytes: 25 * 1048576 },
    })
    mounted = await mountPanel()
    await pick(mounted, new File(['x'], 'big.zip'))
    expect(document.querySelector('.el-message--error')?.textContent).toContain(
      '文件不能超过 25 MB',
    )
  })

  it('downloads every file and previews only images and PDF', async () => {
    fakeServer()
    mounted = await mountPanel()
    const downloads = byTestId('document-download') as HTMLAnchorElement[]
    expect(downloads.map((a) => a.getAttribute('href'))).toEqual([
      `${PATH}/1/content`,
      `${PATH}/2/content`,
    ])
    expect(downloads.every((a) => a.hasAttribute('download'))).toBe(true)
    const previews = byTestId('document-preview') as HTMLAnchorElement[]
    expect(previews.map((a) => a.getAttribute('href'))).toEqual([`${PATH}/1/content?inline=1`])
    expect(previews[0]!.getAttribute('target')).toBe('_blank')
    expect(previews[0]!.getAttribute('rel')).toBe('noopener')
  })

  it('without documents.create there is no upload, but downloads stay', async () => {
    fakeServer()
    mounted = await mountPanel(['documents.view'])
    expect(byTestId('record-upload')).toHaveLength(0)
    expect(byTestId('document-download')).toHaveLength(2)
  })
})
