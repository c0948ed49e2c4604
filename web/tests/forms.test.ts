// Issue #14 (forms): a text over its limit is kept and counted, never cut (item 12); a next contact
// can't be picked before today, and the form says why (item 5) — in both languages.
import { afterEach, describe, expect, it } from 'vitest'
import { ref } from 'vue'
import MetaForm from '@/components/meta/MetaForm.vue'
import { i18n } from '@/i18n'
import { CUSTOMER_FIELDS, flush, mountApp, waitFor } from './helpers'

function mountForm(
  model: Record<string, unknown> = {},
  errors: Record<string, string> = {},
  notBeforeToday: string[] = [],
) {
  const value = ref(model)
  const wrapper = mountApp(MetaForm, {
    props: {
      entity: 'customers',
      fields: CUSTOMER_FIELDS,
      modelValue: value.value,
      'onUpdate:modelValue': (v: Record<string, unknown>) => {
        value.value = v
        void wrapper.setProps({ modelValue: v })
      },
      errors,
      notBeforeToday,
    },
    attachTo: document.body,
  })
  return { wrapper, value }
}

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe.each([
  ['zh-CN', '超出 5 个字符', '客户名称最多 200 个字符', '下次联系不能早于今天', '只能选今天或以后'],
  [
    'en',
    '5 over the limit',
    'Name has at most 200 characters',
    'The next contact cannot be before today',
    'Today or later',
  ],
] as const)('forms in %s', (locale, overBy, tooLong, notBeforeToday, hint) => {
  it('keeps a pasted 205-character name whole and says it is 5 over the limit', async () => {
    i18n.global.locale.value = locale
    const { wrapper, value } = mountForm()
    const pasted = '蓝'.repeat(205)
    const input = wrapper.find('[data-field="name"] input')
    expect(input.attributes('maxlength')).toBeUndefined()
    await input.setValue(pasted)
    await flush()
    expect(value.value.name).toBe(pasted) // nothing dropped
    const count = wrapper.find('[data-field="name"] [data-testid="char-count"]')
    expect(count.text()).toContain('205 / 200')
    expect(count.text()).toContain(overBy)
    const error = await waitFor(() =>
      document.querySelector('[data-field="name"] .el-form-item__error'),
    )
    expect(error?.textContent?.trim()).toBe(tooLong)
    wrapper.unmount()
  })

  it('counts characters as the server does, not UTF-16 units', async () => {
    i18n.global.locale.value = locale
    const { wrapper, value } = mountForm()
    // 170 characters (340 UTF-16 units): near the limit, so the count shows, and within it.
    await wrapper.find('[data-field="name"] input').setValue('😀'.repeat(170))
    await flush()
    expect((value.value.name as string).length).toBe(340)
    const count = wrapper.find('[data-field="name"] [data-testid="char-count"]')
    expect(count.text()).toBe('170 / 200')
    expect(count.classes()).not.toContain('over')
    wrapper.unmount()
  })

  it("says why a next contact can't be in the past, and translates the server's refusal", async () => {
    i18n.global.locale.value = locale
    const { wrapper } = mountForm(
      { name: 'x', next_contact_at: '2020-01-01T00:00:00Z' },
      { next_contact_at: 'must not be before today' },
      ['next_contact_at'],
    )
    await flush()
    const field = wrapper.find('[data-field="next_contact_at"]')
    expect(field.find('[data-testid="not-before-today"]').text()).toContain(hint)
    const error = await waitFor(() =>
      document.querySelector('[data-field="next_contact_at"] .el-form-item__error'),
    )
    expect(error?.textContent?.trim()).toBe(notBeforeToday)
    // The client refuses it too, before asking the server.
    const ok = await (wrapper.vm as unknown as { validate: () => Promise<boolean> }).validate()
    expect(ok).toBe(false)
    wrapper.unmount()
  })
})

describe('the date picker of a next contact', () => {
  it('disables the days before today and no others', async () => {
    const { wrapper } = mountForm({ name: 'x' }, {}, ['next_contact_at'])
    await flush()
    const picker = wrapper.findComponent({ name: 'ElDatePicker' })
    const disabled = picker.props('disabledDate') as (d: Date) => boolean
    const today = new Date()
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1, 23, 59)
    expect(disabled(yesterday)).toBe(true)
    expect(disabled(new Date(today.getFullYear(), today.getMonth(), today.getDate()))).toBe(false)
    expect(disabled(new Date(today.getFullYear() + 1, 0, 1))).toBe(false)
    wrapper.unmount()
  })
})
