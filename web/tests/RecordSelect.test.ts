// Fields naming another record (stage_id, customer_id, contact_id, …): the generic form picks them
// by name from the field's collection (under the record's customer for `{id}`, narrowed by the
// form's values the target type filters by), and the generic list and history show their names.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import type { EntityMeta, FieldDef, KitRecord } from '@/api/types'
import MetaForm from '@/components/meta/MetaForm.vue'
import MetaList from '@/components/meta/MetaList.vue'
import RecordHistoryDrawer from '@/modules/records/RecordHistoryDrawer.vue'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const CUSTOMER: FieldDef = {
  name: 'customer_id',
  type: 'integer',
  label_key: 'x',
  label: label('客户', 'Customer'),
  name_member: 'customer_name',
  record_type: 'customers',
  collection: '/api/v1/customers',
}
const CONTACT: FieldDef = {
  name: 'contact_id',
  type: 'integer',
  label_key: 'x',
  label: label('联系人', 'Contact'),
  name_member: 'contact_name',
  record_type: 'contacts',
  collection: '/api/v1/customers/{id}/contacts',
}
const PIPELINE: FieldDef = {
  name: 'pipeline_id',
  type: 'integer',
  required: true,
  label_key: 'x',
  label: label('销售流程', 'Pipeline'),
  name_member: 'pipeline_name',
  record_type: 'pipelines',
  collection: '/api/v1/pipelines',
  list: true,
}
const STAGE: FieldDef = {
  name: 'stage_id',
  type: 'integer',
  required: true,
  label_key: 'x',
  label: label('阶段', 'Stage'),
  name_member: 'stage_name',
  record_type: 'pipeline_stages',
  collection: '/api/v1/pipeline-stages',
  list: true,
}
const NAME: FieldDef = {
  name: 'name',
  type: 'string',
  label_key: 'x',
  label: label('名称', 'Name'),
  list: true,
}

const meta = (entity: string, fields: Partial<FieldDef>[]): EntityMeta => ({
  entity,
  fields: fields.map((f) => ({ type: 'string', label_key: 'x', ...f }) as FieldDef),
})
// Contacts search by name; stages do not (read whole, filtered here) and filter by pipeline.
const METAS: Record<string, EntityMeta> = {
  contacts: meta('contacts', [{ name: 'name', search: true }]),
  pipelines: meta('pipelines', [{ name: 'name' }]),
  pipeline_stages: meta('pipeline_stages', [
    { name: 'name' },
    { name: 'pipeline_id', type: 'integer', filter: true },
  ]),
  customers: meta('customers', [{ name: 'name' }, { name: 'owner_id', filter: true }]),
}
const STAGES = [
  { id: 1, pipeline_id: 1, name: '初步接洽' },
  { id: 2, pipeline_id: 1, name: '方案报价' },
  { id: 3, pipeline_id: 1, name: '商务谈判' },
  { id: 11, pipeline_id: 2, name: '需求确认' },
]
const CONTACTS: Record<string, { id: number; name: string }[]> = {
  '7': [
    { id: 70, name: '王经理' },
    { id: 71, name: '李工' },
  ],
  '9': [{ id: 90, name: '赵总' }],
}

function fakeServer() {
  const page = (items: unknown[]) => [200, { items, total: items.length, page: 1, page_size: 20 }]
  const routes: Parameters<typeof fakeFetch>[0] = {
    'GET /api/v1/pipeline-stages': (_b, url) => {
      const pipeline = url.searchParams.get('pipeline_id')
      return page(STAGES.filter((s) => !pipeline || String(s.pipeline_id) === pipeline)) as [
        number,
        unknown,
      ]
    },
    'GET /api/v1/pipelines': () =>
      page([
        { id: 1, name: '标准销售流程' },
        { id: 2, name: '渠道流程' },
      ]) as [number, unknown],
    'GET /api/v1/customers': (_b, url) => {
      const q = url.searchParams.get('q') ?? ''
      const all = [
        { id: 7, name: '华东精密' },
        { id: 9, name: '深圳创新' },
      ]
      return page(all.filter((c) => c.name.includes(q))) as [number, unknown]
    },
  }
  for (const [type, value] of Object.entries(METAS)) {
    routes[`GET /api/v1/meta/${type}`] = () => [200, value]
  }
  for (const [customer, contacts] of Object.entries(CONTACTS)) {
    routes[`GET /api/v1/customers/${customer}/contacts`] = (_b, url) => {
      const q = url.searchParams.get('q') ?? ''
      return page(contacts.filter((c) => c.name.includes(q))) as [number, unknown]
    }
  }
  const fake = fakeFetch(routes)
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

function mountForm(
  fields: FieldDef[],
  model: Record<string, unknown>,
  customerId: number | null = null,
) {
  const value = ref(model)
  const wrapper = mountApp(MetaForm, {
    props: {
      entity: 'opportunities',
      fields,
      modelValue: value.value,
      customerId,
      'onUpdate:modelValue': (v: Record<string, unknown>) => {
        value.value = v
        void wrapper.setProps({ modelValue: v })
      },
    },
    attachTo: document.body,
  })
  return { wrapper, value }
}

const control = (name: string) =>
  document.querySelector<HTMLElement>(`[data-field="${name}"] .el-select__wrapper`)!
const input = (name: string) =>
  document.querySelector<HTMLInputElement>(`[data-field="${name}"] input`)!
/** The shown dropdown's options' texts. */
const shownOptions = () =>
  [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')]
    .filter((o) => !o.closest('[style*="display: none"]'))
    .map((o) => o.textContent?.trim())
async function openPicker(name: string) {
  control(name).click()
  await settle()
}
async function type(name: string, text: string) {
  const el = input(name)
  el.value = text
  el.dispatchEvent(new Event('input'))
  await settle()
}
async function choose(text: string) {
  const option = await waitFor(() =>
    [...document.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find(
      (o) => o.textContent?.trim() === text && !o.closest('[style*="display: none"]'),
    ),
  )
  expect(option, `the option ${text}`).toBeTruthy()
  option!.click()
  await settle()
}
/** The text the select shows: the chosen record's name, else the placeholder. */
const shown = (name: string) =>
  document.querySelector(`[data-field="${name}"] .el-select__placeholder`)?.textContent?.trim()
const selected = (name: string) =>
  document.querySelector(`[data-field="${name}"] .el-select__placeholder:not(.is-transparent)`)
    ? shown(name)
    : undefined

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('RecordSelect in the generic form', () => {
  // A select asks its remote method again (debounced) after a pick: let it ask this test's server.
  afterEach(() => new Promise<void>((resolve) => setTimeout(resolve, 400)))

  it('a record field is a picker, not a number, and shows its value by the name the record answers', async () => {
    fakeServer()
    const { wrapper } = mountForm([PIPELINE, STAGE], {
      pipeline_id: 1,
      pipeline_name: '标准销售流程',
      stage_id: 3,
      stage_name: '商务谈判',
    })
    await settle()
    expect(document.querySelector('.el-input-number')).toBeNull()
    expect(document.querySelectorAll('.record-select')).toHaveLength(2)
    expect(input('stage_id').getAttribute('aria-label')).toBe('阶段')
    expect(selected('stage_id')).toBe('商务谈判')
    expect(selected('pipeline_id')).toBe('标准销售流程')
    wrapper.unmount()
  })

  it("offers only the stages of the form's pipeline, filtered as one types, and clears the stage when the pipeline changes", async () => {
    const fake = fakeServer()
    const { wrapper, value } = mountForm([PIPELINE, STAGE], { pipeline_id: 1 })
    await openPicker('stage_id')
    const asked = await waitFor(() =>
      fake.calls.find((c) => c.url.pathname === '/api/v1/pipeline-stages'),
    )
    expect(asked!.url.searchParams.get('pipeline_id')).toBe('1')
    expect(asked!.url.searchParams.get('page_size')).toBe('100')
    expect(asked!.url.searchParams.get('q')).toBeNull()
    expect(await waitFor(() => (shownOptions().length === 3 ? shownOptions() : null))).toEqual([
      '初步接洽',
      '方案报价',
      '商务谈判',
    ])
    // The stages do not search on the server: the list read is filtered here.
    await type('stage_id', '谈判')
    expect(await waitFor(() => (shownOptions().length === 1 ? shownOptions() : null))).toEqual([
      '商务谈判',
    ])
    await choose('商务谈判')
    expect(value.value.stage_id).toBe(3)
    expect(value.value.stage_name).toBe('商务谈判')
    expect(fake.calls.filter((c) => c.url.pathname === '/api/v1/pipeline-stages')).toHaveLength(1)

    // Another pipeline: the stage picked is no longer one of its stages.
    await openPicker('pipeline_id')
    await choose('渠道流程')
    expect(value.value.pipeline_id).toBe(2)
    expect(value.value.stage_id).toBeNull()
    expect(wrapper.emitted('field-change')).toContainEqual(['stage_id'])
    await openPicker('stage_id')
    const again = await waitFor(() =>
      fake.calls.find(
        (c) =>
          c.url.pathname === '/api/v1/pipeline-stages' &&
          c.url.searchParams.get('pipeline_id') === '2',
      ),
    )
    expect(again).toBeTruthy()
    expect(await waitFor(() => (shownOptions().includes('需求确认') ? shownOptions() : null)))
    wrapper.unmount()
  })

  it("lists the contacts of the panel's customer, searching on the server as one types", async () => {
    const fake = fakeServer()
    const { wrapper, value } = mountForm([NAME, CONTACT], {}, 7)
    await openPicker('contact_id')
    const first = await waitFor(() =>
      fake.calls.find((c) => c.url.pathname === '/api/v1/customers/7/contacts'),
    )
    expect(first!.url.searchParams.get('page_size')).toBe('20')
    await type('contact_id', '王')
    const searched = await waitFor(() =>
      fake.calls.find(
        (c) =>
          c.url.pathname === '/api/v1/customers/7/contacts' && c.url.searchParams.get('q') === '王',
      ),
    )
    expect(searched).toBeTruthy()
    expect(await waitFor(() => (shownOptions().length === 1 ? shownOptions() : null))).toEqual([
      '王经理',
    ])
    await choose('王经理')
    expect(value.value).toMatchObject({ contact_id: 70, contact_name: '王经理' })
    wrapper.unmount()
  })

  it("waits for a customer, then lists the form's customer's contacts; another customer clears the contact", async () => {
    const fake = fakeServer()
    const { wrapper, value } = mountForm([CUSTOMER, CONTACT], {})
    await settle()
    // No customer yet: the contact can't be chosen, and says why.
    expect(input('contact_id').disabled).toBe(true)
    expect(selected('contact_id')).toBeUndefined()
    expect(shown('contact_id')).toBe('请先选择客户')

    await openPicker('customer_id')
    await choose('深圳创新')
    expect(value.value).toMatchObject({ customer_id: 9, customer_name: '深圳创新' })
    expect(input('contact_id').disabled).toBe(false)
    await openPicker('contact_id')
    expect(
      await waitFor(() =>
        fake.calls.find((c) => c.url.pathname === '/api/v1/customers/9/contacts'),
      ),
    ).toBeTruthy()
    await choose('赵总')
    expect(value.value.contact_id).toBe(90)

    // Another customer: its contacts are others.
    await openPicker('customer_id')
    await type('customer_id', '华东')
    await choose('华东精密')
    expect(value.value.customer_id).toBe(7)
    expect(value.value.contact_id).toBeNull()
    await openPicker('contact_id')
    expect(await waitFor(() => (shownOptions().includes('王经理') ? shownOptions() : null)))
    wrapper.unmount()
  })
})

describe('record fields shown by name', () => {
  it('a list cell shows the name the record answers, #id when it has none', async () => {
    fakeServer()
    const rows = [
      { id: 1, name: '华东精密扩产', stage_id: 3, stage_name: '商务谈判', pipeline_id: 1 },
      { id: 2, name: '旧机会', stage_id: 6, stage_name: null, pipeline_id: 1 },
    ]
    const wrapper = mountApp(MetaList, {
      props: { entity: 'opportunities', fields: [NAME, STAGE], items: rows },
      attachTo: document.body,
    })
    await settle()
    const cells = wrapper
      .findAll('.el-table__body tr')
      .map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(cells).toEqual([
      ['华东精密扩产', '商务谈判'],
      ['旧机会', '#6'],
    ])
    wrapper.unmount()
  })

  it("a history change shows the record's names before and after", async () => {
    const fake = fakeFetch({
      'GET /api/v1/opportunities/4/history': () => [
        200,
        {
          items: [
            {
              id: 1,
              at: '2026-12-02T09:30:00Z',
              user_id: 3,
              user_name: '李经理',
              action: 'update',
              changes: {
                stage_id: { before: 1, after: 3, before_name: '初步接洽', after_name: '商务谈判' },
              },
            },
          ],
          total: 1,
          page: 1,
          page_size: 20,
        },
      ],
    })
    vi.stubGlobal('fetch', fake.fn)
    const record = { id: 4, name: '华东精密扩产', version: 2 } as unknown as KitRecord
    const wrapper = mountApp(RecordHistoryDrawer, {
      props: {
        type: 'opportunities',
        at: '/opportunities',
        record,
        fields: [NAME, STAGE],
        title: '华东精密扩产',
      },
      attachTo: document.body,
    })
    const change = await waitFor(() =>
      document.querySelector('[data-testid="record-history-change"]'),
    )
    expect(change?.textContent?.replace(/\s+/g, ' ').trim()).toBe('阶段初步接洽 → 商务谈判')
    wrapper.unmount()
  })
})
