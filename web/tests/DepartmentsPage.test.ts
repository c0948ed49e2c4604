// The departments page on the kit's departments.* permissions: only the actions the user may use,
// delete to the recycle bin with an undo, and a refused delete that says what is still in the
// department, in the user's language.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Department, Me } from '@/api/types'
import { resetLookups } from '@/composables/useLookups'
import { useIsPhone } from '@/composables/useBreakpoint'
import { i18n } from '@/i18n'
import DepartmentsPage from '@/modules/admin/DepartmentsPage.vue'
import { useSessionStore } from '@/stores/session'
import { fakeFetch, flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

const dept = (id: number, name: string, parent_id: number | null): Department => ({
  id,
  name,
  parent_id,
  user_count: 0,
})

/** The kit's department routes: 1 (华东区) still has 3 users and 2 (上海组) below it. */
function fakeServer() {
  let rows = [dept(1, '华东区', null), dept(2, '上海组', 1), dept(3, '空部门', null)]
  const deleted: Department[] = []
  const fake = fakeFetch({
    'GET /api/v1/departments': () => [
      200,
      { items: rows, total: rows.length, page: 1, page_size: 500 },
    ],
    'DELETE /api/v1/departments/1': () => [
      409,
      {
        error: {
          code: 'conflict',
          message:
            'This department still has 3 user(s) and 1 sub-department(s); move them elsewhere first.',
          details: { users: 3, departments: 1 },
        },
      },
    ],
    'DELETE /api/v1/departments/3': () => {
      deleted.push(...rows.filter((d) => d.id === 3))
      rows = rows.filter((d) => d.id !== 3)
      return [204]
    },
    'POST /api/v1/departments/3/restore': () => {
      const back = deleted.splice(0, 1)[0]!
      rows = [...rows, back]
      return [200, back]
    },
  })
  vi.stubGlobal('fetch', fake.fn)
  return fake
}

const EDITOR = ['departments.view', 'departments.create', 'departments.edit', 'departments.delete']

async function mountPage(permissions: string[] = EDITOR) {
  const wrapper = mountApp(DepartmentsPage, { attachTo: document.body })
  useSessionStore().user = { id: 1, username: 'admin', permissions } as unknown as Me
  await settle()
  return wrapper
}

const byTestId = (id: string) => [
  ...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`),
]
const click = async (el: HTMLElement | undefined) => {
  expect(el, 'the control exists').toBeTruthy()
  el!.click()
  await settle()
}
const messages = () => [...document.querySelectorAll('.el-message')].map((m) => m.textContent ?? '')
const deleteOf = (name: string) =>
  [...document.querySelectorAll<HTMLElement>('.dept-node')]
    .find((node) => node.querySelector('.dept-name')?.textContent === name)
    ?.querySelector<HTMLElement>('[data-testid="department-delete"]') ?? undefined

let unmount: (() => void) | null = null
afterEach(() => {
  unmount?.()
  unmount = null
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
  resetLookups()
  useIsPhone().value = false
  i18n.global.locale.value = 'zh-CN'
})

describe('DepartmentsPage', () => {
  it('shows each action only to those whose permissions allow it', async () => {
    const counts = async (permissions: string[]) => {
      fakeServer()
      const wrapper = await mountPage(permissions)
      const found = Object.fromEntries(
        ['department-add', 'department-add-child', 'department-rename', 'department-delete'].map(
          (id) => [id, byTestId(id).length],
        ),
      )
      wrapper.unmount()
      document.body.innerHTML = ''
      resetLookups()
      return found
    }
    expect(await counts(EDITOR)).toEqual({
      'department-add': 1,
      'department-add-child': 3,
      'department-rename': 3,
      'department-delete': 3,
    })
    expect(await counts(['departments.view', 'departments.edit'])).toEqual({
      'department-add': 0,
      'department-add-child': 0,
      'department-rename': 3,
      'department-delete': 0,
    })
    expect(await counts(['departments.view', 'departments.create'])).toEqual({
      'department-add': 1,
      'department-add-child': 3,
      'department-rename': 0,
      'department-delete': 0,
    })
    // users.manage no longer covers departments.
    expect(await counts(['departments.view', 'users.manage'])).toEqual({
      'department-add': 0,
      'department-add-child': 0,
      'department-rename': 0,
      'department-delete': 0,
    })
  })

  it('deletes at once and offers an undo that restores the department', async () => {
    const fake = fakeServer()
    const wrapper = await mountPage()
    unmount = () => wrapper.unmount()
    await click(deleteOf('空部门'))
    // No "are you sure?" box: the delete is done, the toast offers the way back.
    expect(document.querySelector('.el-message-box')).toBeNull()
    expect(fake.calls.some((c) => c.method === 'DELETE')).toBe(true)
    expect(wrapper.text()).not.toContain('空部门')
    expect(messages().join()).toContain('已删除部门“空部门”')

    await click(byTestId('record-undo')[0])
    expect(fake.calls.some((c) => c.url.pathname === '/api/v1/departments/3/restore')).toBe(true)
    expect(wrapper.text()).toContain('空部门')
    expect(messages().join()).toContain('已恢复')
  })

  it('a refused delete says how many users and sub-departments are still there', async () => {
    fakeServer()
    const wrapper = await mountPage()
    unmount = () => wrapper.unmount()
    await click(deleteOf('华东区'))
    expect(messages().join()).toContain('还有 3 名用户和 1 个下级部门，请先移走')
    expect(byTestId('record-undo')).toHaveLength(0)
    expect(wrapper.text()).toContain('华东区')

    document.body.querySelectorAll('.el-message').forEach((m) => m.remove())
    i18n.global.locale.value = 'en'
    await settle()
    await click(deleteOf('华东区'))
    expect(messages().join()).toContain(
      'Still has 3 user(s) and 1 sub-department(s): move them elsewhere first',
    )
  })

  it('at phone width every action is a button at least 44 px tall', async () => {
    fakeServer()
    useIsPhone().value = true
    const wrapper = await mountPage()
    unmount = () => wrapper.unmount()
    const actions = byTestId('department-delete')
    expect(actions).toHaveLength(3)
    // Not a small text link: a plain button of the default size (the 44 px rule is CSS).
    for (const button of actions) {
      expect(button.classList.contains('is-link')).toBe(false)
      expect(button.classList.contains('el-button--small')).toBe(false)
    }
  })
})
