// The users-set control (a kit `users` field such as an activity's participants): the generic
// form renders it for the field type, chosen users show by name, and a pick adds an id.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import type { FieldDef } from '@/api/types'
import MetaForm from '@/components/meta/MetaForm.vue'
import { fakeFetch, flush, mountApp, waitFor } from './helpers'

const FIELDS: FieldDef[] = [
  {
    name: 'participants',
    type: 'users',
    label_key: 'activities.fields.participants',
    label: { 'zh-CN': '参与人', en: 'Participants' },
  },
]
const USERS = [
  { id: 2, username: 'sun.li', display_name: '孙丽', active: true },
  { id: 3, username: 'zhang.wei', display_name: '张伟', active: true },
  { id: 9, username: 'li.na', display_name: '李娜', active: true },
]

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('UsersSelect in the generic form', () => {
  it('shows the chosen users by name and adds one picked from a search', async () => {
    const fake = fakeFetch({
      'GET /api/v1/users': (_body, url) => {
        const q = url.searchParams.get('q') ?? ''
        const items = USERS.filter((u) => u.display_name.includes(q) || u.username.includes(q))
        return [200, { items, total: items.length, page: 1, page_size: 500 }]
      },
    })
    vi.stubGlobal('fetch', fake.fn)
    const value = ref<Record<string, unknown>>({ participants: [3, 2] })
    const wrapper = mountApp(MetaForm, {
      props: {
        entity: 'activities',
        fields: FIELDS,
        modelValue: value.value,
        'onUpdate:modelValue': (v: Record<string, unknown>) => {
          value.value = v
          void wrapper.setProps({ modelValue: v })
        },
      },
      attachTo: document.body,
    })
    const field = wrapper.find('[data-field="participants"]')
    expect(field.find('.users-select').exists()).toBe(true)
    // Ids alone come with the record: the tags name them once the users are read.
    const named = await waitFor(() => {
      const tags = [
        ...document.querySelectorAll('[data-field="participants"] .el-select__tags-text'),
      ]
      const text = tags.map((t) => t.textContent?.trim())
      return text.includes('张伟') && text.includes('孙丽') ? text : null
    })
    expect(named).not.toBeNull()
    expect(named!.some((t) => t?.startsWith('#'))).toBe(false)

    // Typing searches; a pick adds the id to the set.
    await field.find('input').trigger('click')
    await field.find('input').setValue('李')
    const option = await waitFor(() =>
      [...document.querySelectorAll('.el-select-dropdown__item')].find((o) =>
        o.textContent?.includes('李娜'),
      ),
    )
    expect(option).toBeTruthy()
    ;(option as HTMLElement).click()
    await flush()
    expect(value.value.participants).toEqual([3, 2, 9])
    wrapper.unmount()
  })
})
