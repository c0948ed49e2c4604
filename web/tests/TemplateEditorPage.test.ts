// The message template editor (issue 17): the SMS count follows the typing, the SMS-only fields
// go away for an e-mail, a variable goes in at the cursor, the preview is asked for with the draft
// (and only once the template is saved), a refused save shows the server's complaint by its field
// (an unknown variable named), and a save patches with the version read. Both languages.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import type { EntityMeta, Me } from '@/api/types'
import type { Template } from '@/api/templates'
import { i18n } from '@/i18n'
import TemplateEditorPage from '@/modules/messages/TemplateEditorPage.vue'
import RecordPanel from '@/modules/records/RecordPanel.vue'
import { templates } from '@/modules/records/templates'
import { useSessionStore } from '@/stores/session'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 10; i++) await flush()
}

function template(extra: Partial<Template> = {}): Template {
  return {
    id: 5,
    name: '回访提醒',
    channel: 'sms',
    subject: null,
    body: '{{customer.name}}您好，感谢惠顾',
    signature: '关系科技',
    approved: true,
    gateway_template_code: 'SMS_123456',
    length: 27,
    segments: 1,
    encoding: 'ucs2',
    variables: ['customer.name'],
    version: 3,
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-02T08:00:00Z',
    ...extra,
  }
}

type Handler = (body: unknown, url: URL) => [number, unknown?]
function fakeServer(routes: Record<string, Handler> = {}, stored: Template = template()) {
  let record = stored
  const fake = fakeFetch({
    'GET /api/v1/templates/5': () => [200, record],
    'PATCH /api/v1/templates/5': (body) => {
      record = { ...record, ...(body as object), version: record.version + 1 }
      return [200, record]
    },
    'GET /api/v1/custom-fields': () => [
      200,
      {
        items: [
          {
            id: 1,
            entity: 'customers',
            key: 'vip_level',
            type: 'text',
            label: { 'zh-CN': '会员等级', en: 'VIP level' },
          },
        ],
      },
    ],
    'GET /api/v1/customers': () => [200, { items: [{ id: 7, name: '华为技术' }], total: 1 }],
    'GET /api/v1/customers/7': () => [200, { id: 7, name: '华为技术' }],
    'POST /api/v1/templates/5/preview': (body) => {
      const input = body as { body: string; signature?: string }
      const text = `【${input.signature}】${input.body.replace('{{customer.name}}', '华为技术')}`
      return [
        200,
        { subject: null, body: text, text, length: text.length, segments: 1, encoding: 'ucs2' },
      ]
    },
    ...routes,
  })
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

const EDITOR = ['templates.view', 'templates.create', 'templates.edit']
let mounted: VueWrapper | null = null
let router: Router
async function mountPage(id: number | null, permissions: string[] = EDITOR) {
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/templates/new', component: { template: '<div />' } },
      { path: '/templates/:id', component: { template: '<div />' } },
      { path: '/records/templates', component: { template: '<div />' } },
    ],
  })
  await router.push(id == null ? '/templates/new' : `/templates/${id}`)
  const page = mountApp(TemplateEditorPage, {
    props: { id },
    attachTo: document.body,
    global: { plugins: [router] },
  })
  useSessionStore().user = { id: 1, username: 'admin', permissions } as unknown as Me
  mounted = page
  await settle()
  return page
}
const byTestId = (id: string) => [
  ...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`),
]
const text = (id: string) => (byTestId(id)[0]?.textContent ?? '').replace(/\s+/g, ' ').trim()
async function type(page: VueWrapper, testid: string, value: string) {
  // (Element Plus puts the test id on the input itself)
  const field = page.find(`[data-testid="${testid}"]`)
  await field.setValue(value)
  await settle()
}
async function pickCustomer(page: VueWrapper, id: number) {
  const select = page
    .findAllComponents({ name: 'ElSelect' })
    .find((c) => c.attributes('data-testid') === 'preview-customer')
  expect(select, 'the customer picker').toBeTruthy()
  select!.vm.$emit('update:modelValue', id)
  await settle()
}

afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  i18n.global.locale.value = 'zh-CN'
})

describe('TemplateEditorPage', () => {
  it('counts the SMS as it is typed, signature included, in both languages', async () => {
    fakeServer()
    const page = await mountPage(null)
    expect(text('template-count')).toBe('0 字 · 0 条 · GSM-7')
    await type(page, 'template-body', 'Hello')
    expect(text('template-count')).toBe('5 字 · 1 条 · GSM-7')
    // The signature is sent first, 【】 around it: Chinese brackets make it UCS-2.
    await type(page, 'template-signature', '关系科技')
    expect(text('template-count')).toBe('11 字 · 1 条 · UCS-2')
    expect(byTestId('template-count')[0]!.classList.contains('is-warning')).toBe(false)
    await type(page, 'template-body', '您'.repeat(65))
    expect(text('template-count')).toBe('71 字 · 2 条 · UCS-2')
    expect(byTestId('template-count')[0]!.classList.contains('is-warning')).toBe(true)
    i18n.global.locale.value = 'en'
    await settle()
    expect(text('template-count')).toBe('71 characters · 2 segments · UCS-2')
    await type(page, 'template-body', 'Hi')
    expect(text('template-count')).toBe('8 characters · 1 segment · UCS-2')
    // Over the body's 500 characters: an error, by how much.
    await type(page, 'template-body', 'a'.repeat(503))
    expect(byTestId('template-count')[0]!.classList.contains('is-error')).toBe(true)
    expect(text('template-too-long')).toContain('3 too many')
  })

  it('shows the subject and the HTML note for an e-mail, and no SMS-only fields', async () => {
    fakeServer()
    const page = await mountPage(null)
    expect(byTestId('template-signature')).toHaveLength(1)
    expect(byTestId('template-subject')).toHaveLength(0)
    ;(byTestId('template-channel-email')[0]!.querySelector('input') as HTMLInputElement).click()
    await settle()
    for (const id of [
      'template-signature',
      'template-approved',
      'template-gateway-code',
      'template-count',
    ])
      expect(byTestId(id), id).toHaveLength(0)
    expect(byTestId('template-subject')).toHaveLength(1)
    expect(text('template-html-hint')).toContain('javascript:')
    // A new template is previewed once saved.
    expect(text('preview-after-save')).toContain('保存后才能预览')
    expect(page.findAll('[data-testid="preview-customer"]')).toHaveLength(0)
  })

  it('puts a variable at the cursor, custom fields among them', async () => {
    fakeServer()
    const page = await mountPage(null)
    await type(page, 'template-body', '您好，再见')
    const area = page.find('[data-testid="template-body"]').element as HTMLTextAreaElement
    area.setSelectionRange(2, 2)
    const button = byTestId('template-variable').find(
      (b) => b.dataset.variable === 'customer.name',
    )!
    expect(button.textContent?.trim()).toBe('客户名称')
    button.click()
    await settle()
    expect(area.value).toBe('您好{{customer.name}}，再见')
    const custom = byTestId('template-variable').find(
      (b) => b.dataset.variable === 'customer.custom.vip_level',
    )
    expect(custom?.textContent?.trim()).toBe('会员等级')
  })

  it('previews the draft for the chosen customer, signature first', async () => {
    const fake = fakeServer()
    const page = await mountPage(5)
    expect(text('template-title')).toBe('回访提醒')
    await pickCustomer(page, 7)
    const first = await waitFor(() => (text('preview-text') ? text('preview-text') : null))
    expect(first).toBe('【关系科技】华为技术您好，感谢惠顾')
    await type(page, 'template-body', '{{customer.name}}，新品到货')
    const shown = await waitFor(() =>
      text('preview-text').includes('新品到货') ? text('preview-text') : null,
    )
    expect(shown).toBe('【关系科技】华为技术，新品到货')
    const previews = fake.calls.filter((c) => c.url.pathname === '/api/v1/templates/5/preview')
    expect(previews.at(-1)!.body).toEqual({
      customer_id: 7,
      body: '{{customer.name}}，新品到货',
      signature: '关系科技',
    })
    // Typing fast asks once when the typing pauses, not once per key.
    const before = previews.length
    await type(page, 'template-body', 'a')
    await type(page, 'template-body', 'ab')
    await type(page, 'template-body', 'abc')
    await waitFor(() =>
      fake.calls.filter((c) => c.url.pathname.endsWith('/preview')).length > before ? true : null,
    )
    await new Promise((r) => setTimeout(r, 500))
    const after = fake.calls.filter((c) => c.url.pathname.endsWith('/preview'))
    expect(after.length - before).toBe(1)
    expect(after.at(-1)!.body).toMatchObject({ body: 'abc' })
  })

  it('shows an e-mail preview in a sandboxed frame, never as the page’s own HTML', async () => {
    fakeServer(
      {
        'POST /api/v1/templates/5/preview': () => [
          200,
          {
            subject: '致华为技术',
            body: '<p>您好 <b>华为技术</b></p>',
            text: '<p>您好 <b>华为技术</b></p>',
            length: null,
            segments: null,
            encoding: null,
          },
        ],
      },
      template({
        channel: 'email',
        subject: '致{{customer.name}}',
        body: '<p>您好</p>',
        signature: null,
      }),
    )
    const page = await mountPage(5)
    await pickCustomer(page, 7)
    const frame = await waitFor(() => byTestId('preview-frame')[0] as HTMLIFrameElement | undefined)
    expect(frame!.getAttribute('sandbox')).toBe('')
    expect(frame!.getAttribute('srcdoc')).toBe('<p>您好 <b>华为技术</b></p>')
    expect(text('preview-subject')).toContain('致华为技术')
    expect(document.querySelector('.template-preview b')).toBeNull()
  })

  it('shows an unknown variable by the body, naming it, in both languages', async () => {
    fakeServer({
      'PATCH /api/v1/templates/5': () => [
        422,
        {
          error: {
            code: 'validation_failed',
            message: 'invalid',
            details: {
              fields: { body: 'uses an unknown variable' },
              field_codes: {
                body: { code: 'unknown_variable', params: { variable: 'customer.nmae' } },
              },
            },
          },
        },
      ],
    })
    const page = await mountPage(5)
    await type(page, 'template-body', '{{customer.nmae}}您好')
    byTestId('template-save')[0]!.click()
    await settle()
    const error = (wanted: string) =>
      waitFor(() => {
        const shown = byTestId('template-body')[0]!
          .closest('.el-form-item')!
          .querySelector('.el-form-item__error')?.textContent
        return shown?.includes(wanted) ? shown : null
      })
    expect(await error('未知的变量：customer.nmae')).toBeTruthy()
    i18n.global.locale.value = 'en'
    byTestId('template-save')[0]!.click()
    await settle()
    expect(await error('Unknown variable: customer.nmae')).toBeTruthy()
  })

  it('reads the variable from the parameters too ({code, params})', async () => {
    fakeServer(
      {
        'POST /api/v1/templates/5/preview': () => [
          422,
          {
            error: {
              code: 'validation_failed',
              message: 'invalid',
              details: {
                fields: { subject: 'uses an unknown variable' },
                field_codes: {
                  subject: { code: 'unknown_variable', params: { variable: 'owner.nmae' } },
                },
              },
            },
          },
        ],
      },
      template({ channel: 'email', subject: '{{owner.nmae}}', body: '<p>x</p>' }),
    )
    const page = await mountPage(5)
    await pickCustomer(page, 7)
    const failure = await waitFor(() => (text('preview-failure') ? text('preview-failure') : null))
    expect(failure).toContain('owner.nmae')
    const error = await waitFor(
      () =>
        byTestId('template-subject')[0]!
          .closest('.el-form-item')!
          .querySelector('.el-form-item__error')?.textContent,
    )
    expect(error).toContain('未知的变量：owner.nmae')
  })

  it('saves a change as a patch with the version read, and says the approval goes', async () => {
    const fake = fakeServer()
    const page = await mountPage(5)
    expect(byTestId('template-approval-lost')).toHaveLength(0)
    await type(page, 'template-name', '回访提醒（新）')
    await type(page, 'template-body', '您好')
    expect(byTestId('template-approval-lost')).toHaveLength(1)
    byTestId('template-save')[0]!.click()
    await settle()
    const patch = fake.calls.find((c) => c.method === 'PATCH')!
    expect(patch.url.pathname).toBe('/api/v1/templates/5')
    expect(patch.body).toEqual({ name: '回访提醒（新）', body: '您好', version: 3 })
    expect(text('template-title')).toBe('回访提醒（新）')
  })

  it('says when someone saved first, and reads the template again', async () => {
    const fake = fakeServer({
      'PATCH /api/v1/templates/5': () => [
        409,
        { error: { code: 'stale_version', message: 'stale', details: { current_version: 4 } } },
      ],
    })
    const page = await mountPage(5)
    const reads = () =>
      fake.calls.filter((c) => c.method === 'GET' && c.url.pathname === '/api/v1/templates/5')
        .length
    await type(page, 'template-name', '别的名字')
    byTestId('template-save')[0]!.click()
    await settle()
    expect(reads()).toBe(2)
    const message = await waitFor(() => document.querySelector('.el-message'))
    expect(message?.textContent).toContain('已被他人修改')
    expect((page.find('[data-testid="template-name"]').element as HTMLInputElement).value).toBe(
      '回访提醒',
    )
  })

  it('creates a new template and opens it at its own address', async () => {
    const fake = fakeServer({
      'POST /api/v1/templates': (body) => [201, template({ ...(body as object), id: 9 })],
    })
    const page = await mountPage(null)
    await type(page, 'template-name', '生日祝福')
    await type(page, 'template-body', '祝您生日快乐')
    byTestId('template-save')[0]!.click()
    await settle()
    const post = fake.calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({
      name: '生日祝福',
      channel: 'sms',
      body: '祝您生日快乐',
      approved: false,
    })
    expect(router.currentRoute.value.fullPath).toBe('/templates/9')
  })

  it('is read-only without templates.edit, the preview still there', async () => {
    fakeServer()
    const page = await mountPage(5, ['templates.view'])
    expect(byTestId('template-read-only')).toHaveLength(1)
    expect(byTestId('template-save')).toHaveLength(0)
    expect(byTestId('template-variables')).toHaveLength(0)
    const name = page.find('[data-testid="template-name"]').element as HTMLInputElement
    expect(name.disabled).toBe(true)
    expect(page.findAll('[data-testid="preview-customer"]').length).toBeGreaterThan(0)
  })

  it('says so when the template is not there', async () => {
    fakeServer({
      'GET /api/v1/templates/5': () => [404, { error: { code: 'not_found', message: 'nope' } }],
    })
    await mountPage(5)
    expect(text('template-not-found')).toContain('该模板不存在')
  })
})

describe('the templates list', () => {
  const META: EntityMeta = {
    entity: 'templates',
    collection: '/api/v1/templates',
    visibility: 'admin_only',
    label: { 'zh-CN': '消息模板', en: 'Message template' },
    fields: [
      {
        name: 'name',
        type: 'string',
        required: true,
        label_key: 'templates.fields.name',
        list: true,
      },
      {
        name: 'channel',
        type: 'enum',
        options: ['sms', 'email'],
        label_key: 'templates.fields.channel',
        list: true,
      },
    ],
  }

  it('makes and opens templates in the editor, not in the form', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'GET /api/v1/meta/templates': () => [200, META],
        'GET /api/v1/templates': () => [200, { items: [template()], total: 1 }],
      }).fn,
    )
    mounted = mountApp(RecordPanel, { props: { type: templates }, attachTo: document.body })
    useSessionStore().user = {
      id: 1,
      username: 'admin',
      permissions: [...EDITOR, 'templates.delete'],
    } as unknown as Me
    await settle()
    await waitFor(() => byTestId('template-open')[0])
    expect(byTestId('record-new')[0]!.getAttribute('href')).toBe('/templates/new')
    expect(byTestId('template-open')[0]!.getAttribute('href')).toBe('/templates/5')
    expect(byTestId('record-edit')).toHaveLength(0)
    expect(text('records-templates')).toContain('短信')
  })
})
