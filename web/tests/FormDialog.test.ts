import { afterEach, describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { VueWrapper } from '@vue/test-utils'
import { ElFormItem, ElForm } from 'element-plus'
import { ApiError } from '@/api/client'
import FormDialog from '@/components/common/FormDialog.vue'
import { useFormSubmit, type FormSubmit } from '@/composables/useFormSubmit'
import { useIsPhone } from '@/composables/useBreakpoint'
import { flush, mountApp, waitFor } from './helpers'

const settle = async () => {
  for (let i = 0; i < 6; i++) await flush()
}
const inDialog = (selector: string) =>
  [...document.querySelectorAll<HTMLElement>(`.form-dialog ${selector}`)].filter(
    (el) => !el.closest('[style*="display: none"]'),
  )
const button = (testid: string) => inDialog(`[data-testid="${testid}"]`)[0]!
/** The message under a field; Element Plus shows it after a short debounce. */
const fieldError = (name: string) =>
  waitFor(() => inDialog(`[data-field="${name}"] .el-form-item__error`)[0]?.textContent)
const noFieldError = async () =>
  (await waitFor(() => (inDialog('.el-form-item__error').length ? null : true))) === true

/** A dialog with one field, as the pages use it: its errors come through the default slot. */
function mountDialog(props: Record<string, unknown> = {}) {
  let form!: FormSubmit
  const submits = ref(0)
  const open = ref(true)
  const Host = defineComponent({
    setup() {
      form = useFormSubmit()
      return () =>
        h(
          FormDialog,
          {
            modelValue: open.value,
            'onUpdate:modelValue': (v: boolean) => (open.value = v),
            title: '新建',
            form,
            onSubmit: () => submits.value++,
            ...props,
          },
          {
            default: ({ errors }: { errors: Record<string, string> }) =>
              h(ElForm, { labelPosition: 'top' }, () =>
                h(ElFormItem, { label: '名称', error: errors.name, 'data-field': 'name' }, () =>
                  h('input'),
                ),
              ),
          },
        )
    },
  })
  const wrapper = mountApp(Host, { attachTo: document.body })
  return { wrapper, form: () => form, submits, open }
}

const invalid = () =>
  new ApiError(422, 'validation_failed', 'Some fields are invalid.', {
    fields: { name: 'must not be empty' },
  })

let mounted: VueWrapper | null = null
afterEach(() => {
  mounted?.unmount()
  mounted = null
  document.body.innerHTML = ''
  useIsPhone().value = false
})

describe('FormDialog', () => {
  it('shows the failure of a save above the footer, translated, and the field errors in the form', async () => {
    const dialog = mountDialog()
    mounted = dialog.wrapper
    await settle()
    expect(inDialog('[data-testid="form-failure"]')).toHaveLength(0)
    const ok = await dialog.form().run(() => Promise.reject(invalid()))
    await settle()
    expect(ok).toBe(false)
    const failure = inDialog('[data-testid="form-failure"]')
    expect(failure).toHaveLength(1)
    expect(failure[0]!.getAttribute('role')).toBe('alert')
    expect(failure[0]!.textContent).toContain('填写的内容有误')
    expect(await fieldError('name')).toContain('must not be empty')
  })

  it('maps the server field messages through fieldMessages, and a handled error is no failure', async () => {
    const dialog = mountDialog()
    mounted = dialog.wrapper
    await settle()
    await dialog.form().run(() => Promise.reject(invalid()), {
      fieldMessages: (errors) => ({ name: `名称：${errors.name}` }),
    })
    await settle()
    expect(await fieldError('name')).toContain('名称：must not be empty')
    // The next save starts clean; an error the caller takes (a warning to override) shows nothing.
    await dialog.form().run(() => Promise.reject(new ApiError(409, 'duplicate', 'dup')), {
      handle: () => true,
    })
    await settle()
    expect(inDialog('[data-testid="form-failure"]')).toHaveLength(0)
    expect(await noFieldError()).toBe(true)
  })

  it('a failure found before asking the server shows the same way, and fields can be cleared', async () => {
    const dialog = mountDialog()
    mounted = dialog.wrapper
    await settle()
    dialog.form().fail('请选择接收人', { name: '必填' })
    await settle()
    expect(inDialog('[data-testid="form-failure"]')[0]!.textContent).toContain('请选择接收人')
    expect(await fieldError('name')).toContain('必填')
    dialog.form().clearField('name')
    expect(await noFieldError()).toBe(true)
  })

  it('while saving the save button spins and a second click or save does nothing', async () => {
    const dialog = mountDialog({ saveTestid: 'thing-save', saveText: '转移' })
    mounted = dialog.wrapper
    await settle()
    const save = button('thing-save')
    expect(save.textContent).toContain('转移')
    save.click()
    await settle()
    expect(dialog.submits.value).toBe(1)

    let finish!: () => void
    let calls = 0
    const first = dialog.form().run(
      () =>
        new Promise<void>((resolve) => {
          calls++
          finish = resolve
        }),
    )
    await settle()
    expect(save.classList.contains('is-loading')).toBe(true)
    expect(save.hasAttribute('disabled') || save.getAttribute('aria-disabled') === 'true').toBe(
      true,
    )
    save.click()
    await settle()
    expect(dialog.submits.value).toBe(1)
    expect(await dialog.form().run(async () => void calls++)).toBe(false)
    expect(calls).toBe(1)

    finish()
    expect(await first).toBe(true)
    await settle()
    expect(save.classList.contains('is-loading')).toBe(false)
    save.click()
    await settle()
    expect(dialog.submits.value).toBe(2)
  })

  it('cancel closes the dialog; the save button keeps its default text and test id', async () => {
    const dialog = mountDialog()
    mounted = dialog.wrapper
    await settle()
    expect(button('form-save').textContent).toContain('保存')
    button('form-cancel').click()
    await settle()
    expect(dialog.open.value).toBe(false)
  })

  it('a footer slot replaces the buttons (a dialog with phases)', async () => {
    const closed: boolean[] = []
    const form = { saving: ref(false), failure: ref(''), fieldErrors: ref({}) }
    mounted = mountApp(FormDialog, {
      props: {
        modelValue: true,
        'onUpdate:modelValue': (v: boolean) => closed.push(!v),
        title: '导入',
        form,
      },
      slots: {
        default: () => h('p', '选择文件'),
        footer: ({ close }: { close: () => void }) =>
          h('button', { 'data-testid': 'own-close', onClick: close }, '关闭'),
      },
      attachTo: document.body,
    })
    await settle()
    expect(inDialog('[data-testid="form-save"]')).toHaveLength(0)
    button('own-close').click()
    await settle()
    expect(closed).toEqual([true])
  })
})
