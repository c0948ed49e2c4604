import { afterEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import type { CustomField, FieldDef } from '@/api/types'
import { bodyFrom, customKey, valueAt, withValueAt } from '@/components/meta/customValues'
import MetaFilters from '@/components/meta/MetaFilters.vue'
import MetaForm from '@/components/meta/MetaForm.vue'
import MetaValue from '@/components/meta/MetaValue.vue'
import { filterParamOf } from '@/components/meta/filterParams'
import CustomFieldsPage from '@/modules/admin/CustomFieldsPage.vue'
import { MENU, isGroup } from '@/modules/shell/menu'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

/** A custom field as GET /meta/customers describes it. */
const BUDGET: FieldDef = {
  name: 'custom.budget',
  key: 'budget',
  type: 'money',
  custom: true,
  custom_type: 'money',
  label_key: 'customers.fields.custom.budget',
  label: { 'zh-CN': '预算', en: 'Budget' },
  required: true,
  filter: true,
  sort: true,
}
const LEVEL: FieldDef = {
  name: 'custom.level',
  key: 'level',
  type: 'enum',
  custom: true,
  options: ['A', 'B'],
  label_key: 'customers.fields.custom.level',
  label: { 'zh-CN': '等级', en: 'Level' },
}

describe('custom field values', () => {
  it('are read and written under the record’s custom object by key', () => {
    const record = { name: '甲', custom: { budget: '10.00' } }
    expect(customKey('custom.budget')).toBe('budget')
    expect(customKey('name')).toBeNull()
    expect(valueAt(record, 'custom.budget')).toBe('10.00')
    expect(valueAt(record, 'name')).toBe('甲')
    expect(valueAt({}, 'custom.budget')).toBeUndefined()
    const changed = withValueAt(record, 'custom.level', 'A')
    expect(changed.custom).toEqual({ budget: '10.00', level: 'A' })
    expect(record.custom).toEqual({ budget: '10.00' }) // not changed in place
  })

  it('go into a body under custom: the filled ones on create, the changed ones on edit', () => {
    const names = ['name', 'custom.budget', 'custom.level']
    expect(bodyFrom(names, { name: '甲', custom: { budget: '5', level: '' } })).toEqual({
      name: '甲',
      custom: { budget: '5' },
    })
    const before = { name: '甲', custom: { budget: '5', level: 'A' } }
    expect(bodyFrom(names, { name: '甲', custom: { budget: '6', level: 'A' } }, before)).toEqual({
      custom: { budget: '6' },
    })
    // Cleared on an edit: sent as null, which the server takes as "remove this key".
    expect(bodyFrom(names, { name: '甲', custom: { budget: '5', level: null } }, before)).toEqual({
      custom: { level: null },
    })
    expect(bodyFrom(names, { ...before }, before)).toEqual({})
  })

  it('filter by their own name', () => {
    expect(filterParamOf({ ...LEVEL, filter: true })).toEqual({
      kind: 'single',
      param: 'custom.level',
    })
  })
})

describe('MetaForm with custom fields', () => {
  it('renders them with their label and writes the value under custom', async () => {
    const value = ref<Record<string, unknown>>({ name: '甲', custom: { level: 'B' } })
    const wrapper = mountApp(MetaForm, {
      props: {
        entity: 'customers',
        fields: [BUDGET, LEVEL],
        modelValue: value.value,
        'onUpdate:modelValue': (v: Record<string, unknown>) => {
          value.value = v
          void wrapper.setProps({ modelValue: v })
        },
        errors: { 'custom.level': '必须是 A 或 B' },
      },
      attachTo: document.body,
    })
    await flush()
    const labels = wrapper.findAll('.el-form-item__label').map((l) => l.text())
    expect(labels).toEqual(['预算', '等级'])
    await wrapper.find('[data-field="custom.budget"] input').setValue('1200.50')
    expect(value.value.custom).toEqual({ level: 'B', budget: '1200.50' })
    // The server names a custom field's problem custom.<key>: shown beside it.
    const error = await waitFor(() =>
      document.querySelector('[data-field="custom.level"] .el-form-item__error'),
    )
    expect(error?.textContent).toContain('必须是 A 或 B')
    wrapper.unmount()
  })

  it('checks a required custom field before saving', async () => {
    const wrapper = mountApp(MetaForm, {
      props: { entity: 'customers', fields: [BUDGET], modelValue: { custom: {} } },
      attachTo: document.body,
    })
    const ok = await (wrapper.vm as unknown as { validate: () => Promise<boolean> }).validate()
    await flush()
    expect(ok).toBe(false)
    expect(wrapper.find('[data-field="custom.budget"]').classes()).toContain('is-error')
    wrapper.unmount()
  })

  it('shows a custom value in lists and details', async () => {
    const wrapper = mountApp(MetaValue, {
      props: { entity: 'customers', field: LEVEL, record: { custom: { level: 'A' } } },
    })
    await flush()
    expect(wrapper.text()).toContain('A')
    wrapper.unmount()
  })
})

describe('MetaFilters with custom fields', () => {
  it('filters a custom choice by its name and leaves out a custom time', async () => {
    const SIGNED: FieldDef = {
      name: 'custom.signed_at',
      type: 'datetime',
      custom: true,
      filter: true,
      label_key: '',
      label: { 'zh-CN': '签约时间', en: 'Signed at' },
    }
    const wrapper = mountApp(MetaFilters, {
      props: {
        entity: 'customers',
        fields: [{ ...LEVEL, filter: true }, SIGNED],
        modelValue: { 'custom.level': 'B' },
      },
    })
    await flush()
    const labels = wrapper.findAll('.el-form-item__label').map((l) => l.text())
    expect(labels).toContain('等级')
    expect(labels).not.toContain('签约时间')
    expect(wrapper.find('.el-select').text()).toContain('B')
    wrapper.unmount()
  })
})

describe('the custom fields page', () => {
  const FIELD: CustomField = {
    id: 1,
    entity: 'customers',
    key: 'budget',
    type: 'money',
    label: { 'zh-CN': '预算', en: 'Budget' },
    required: false,
    choices: [],
    indexed: true,
    position: 0,
    created_at: '2026-12-01T00:00:00Z',
    updated_at: '2026-12-01T00:00:00Z',
    version: 1,
  }
  afterEach(() => vi.unstubAllGlobals())

  it('is in the administration menu for users.manage', () => {
    const admin = MENU.find((entry) => isGroup(entry) && entry.label_key === 'nav.admin')
    const item =
      admin && isGroup(admin)
        ? admin.items.find((i) => i.path === '/admin/custom-fields')
        : undefined
    expect(item?.permission).toBe('users.manage')
  })

  it('lists an entity’s fields and adds one with labels in both languages', async () => {
    let fields = [FIELD]
    const fake = fakeFetch({
      'GET /api/v1/custom-fields': () => [200, { items: fields }],
      'POST /api/v1/custom-fields': (body) => {
        const created = { ...FIELD, ...(body as object), id: 2, version: 1 } as CustomField
        fields = [...fields, created]
        return [201, created]
      },
    })
    vi.stubGlobal('fetch', fake.fn)
    const wrapper = mountApp(CustomFieldsPage, { attachTo: document.body })
    expect(await waitFor(() => (wrapper.text().includes('预算') ? true : null))).toBe(true)
    expect(fake.calls[0]!.url.searchParams.get('entity')).toBe('customers')
    expect(wrapper.text()).toContain('budget')

    await wrapper.find('[data-testid="custom-field-add"]').trigger('click')
    const dialog = await waitFor(() => document.querySelector('[data-testid="custom-field-key"]'))
    expect(dialog).not.toBeNull()
    const set = (testid: string, text: string) => {
      const input =
        document.querySelector<HTMLInputElement>(`[data-testid="${testid}"] input`) ??
        document.querySelector<HTMLInputElement>(`input[data-testid="${testid}"]`)
      input!.value = text
      input!.dispatchEvent(new Event('input'))
    }
    // A key that is not lower snake_case is refused before anything is sent.
    set('custom-field-zh', '行业等级')
    set('custom-field-en', 'Industry level')
    set('custom-field-key', 'Bad Key')
    document.querySelector<HTMLButtonElement>('[data-testid="custom-field-save"]')!.click()
    await flush()
    expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    set('custom-field-key', 'industry_level')
    document.querySelector<HTMLButtonElement>('[data-testid="custom-field-save"]')!.click()
    await waitFor(() => (fake.calls.some((c) => c.method === 'POST') ? true : null))
    const post = fake.calls.find((c) => c.method === 'POST')!
    expect(post.body).toMatchObject({
      entity: 'customers',
      key: 'industry_level',
      type: 'text',
      label: { 'zh-CN': '行业等级', en: 'Industry level' },
      required: false,
      position: 1,
    })
    expect(await waitFor(() => (wrapper.text().includes('行业等级') ? true : null))).toBe(true)
    wrapper.unmount()
  })
})
