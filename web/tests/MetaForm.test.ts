import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import MetaForm from '@/components/meta/MetaForm.vue'
import { CUSTOMER_FIELDS, flush, mountApp, waitFor } from './helpers'

function mountForm(model: Record<string, unknown> = {}, errors: Record<string, string> = {}) {
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
    },
    attachTo: document.body,
  })
  return { wrapper, value }
}

describe('MetaForm', () => {
  it('renders one labelled control per editable field, leaving out read-only and JSON fields', async () => {
    const { wrapper } = mountForm()
    await flush()
    const labels = wrapper.findAll('.el-form-item__label').map((l) => l.text())
    expect(labels).toEqual(['客户名称', '客户类别', '负责人', '电话', '邮箱', '标签', '下次联系'])
    // The label points at its control.
    const nameItem = wrapper.find('[data-field="name"]')
    const forId = nameItem.find('label').attributes('for')
    expect(forId).toBeTruthy()
    expect(nameItem.find(`#${forId}`).exists()).toBe(true)
    wrapper.unmount()
  })

  it('updates the model as a person types', async () => {
    const { wrapper, value } = mountForm()
    await wrapper.find('[data-field="name"] input').setValue('深圳蓝海电子')
    expect(value.value.name).toBe('深圳蓝海电子')
    expect(wrapper.emitted('field-change')?.[0]).toEqual(['name'])
    wrapper.unmount()
  })

  it('refuses an empty required field and a malformed e-mail', async () => {
    const { wrapper } = mountForm({ email: 'not-an-email' })
    const ok = await (wrapper.vm as unknown as { validate: () => Promise<boolean> }).validate()
    await flush()
    expect(ok).toBe(false)
    expect(wrapper.find('[data-field="name"]').classes()).toContain('is-error')
    expect(wrapper.find('[data-field="email"]').classes()).toContain('is-error')
    expect(wrapper.find('[data-field="phone"]').classes()).not.toContain('is-error')
    wrapper.unmount()
  })

  it("shows the server's message beside its field", async () => {
    const { wrapper } = mountForm({ name: 'x' }, { phone: '号码已被使用' })
    const error = await waitFor(() =>
      document.querySelector('[data-field="phone"] .el-form-item__error'),
    )
    expect(error?.textContent?.trim()).toBe('号码已被使用')
    wrapper.unmount()
  })

  it('lists enum options with their translated labels', async () => {
    const { wrapper } = mountForm()
    await wrapper.find('[data-field="category"] .el-select__wrapper').trigger('click')
    await flush()
    const options = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((o) =>
      o.textContent?.trim(),
    )
    expect(options).toEqual(expect.arrayContaining(['核心', '潜在', '有意向']))
    wrapper.unmount()
  })
})
