// The to-do home page (issue 15 item 6): sections with counts in the server's order, overdue
// marked in words (both languages), empty states, one tap to call / mark an activity done / open
// the follow-up form, "show all" for a longer section, and a section the page has never heard of
// shown generically; a new notification reloads it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Todo } from '@/api/todo'
import { i18n } from '@/i18n'
import TodoPage from '@/modules/todo/TodoPage.vue'
import { useNotificationsStore } from '@/stores/notifications'
import { fakeFetch, flush, mountApp } from './helpers'

const settle = async () => {
  for (let i = 0; i < 8; i++) await flush()
}

function todo(): Todo {
  return {
    date: '2026-12-07',
    time_zone: 'Asia/Shanghai',
    day_start: '2026-12-06T16:00:00Z',
    day_end: '2026-12-07T16:00:00Z',
    sections: [
      {
        key: 'contacts_due',
        count: 7,
        overdue: 1,
        items: [
          {
            entity: 'customer',
            id: 11,
            title: '华东机电',
            customer_id: 11,
            customer_name: '华东机电',
            category: 'core',
            phone: '13800000000',
            due_at: '2026-12-05T02:00:00Z',
            overdue: true,
            link: '/customers/11',
          },
          {
            entity: 'customer',
            id: 12,
            title: '西湖茶业',
            customer_id: 12,
            customer_name: '西湖茶业',
            category: 'potential',
            phone: null,
            due_at: '2026-12-07T08:00:00Z',
            overdue: false,
            link: '/customers/12',
          },
        ],
      },
      {
        key: 'activities_today',
        count: 1,
        open: 1,
        items: [
          {
            entity: 'activity',
            id: 31,
            title: '回访报价',
            customer_id: 11,
            customer_name: '华东机电',
            category: 'core',
            phone: '13800000000',
            due_at: '2026-12-07T06:00:00Z',
            overdue: false,
            link: '/customers/11',
            kind: 'call',
            status: 'planned',
            start_at: '2026-12-07T06:00:00Z',
            end_at: '2026-12-07T06:30:00Z',
            all_day: false,
            location: null,
            version: 3,
          },
        ],
      },
      { key: 'newly_assigned', count: 0, days: 7, items: [] },
      // A section a later server adds: shown by its key, with a generic empty state.
      { key: 'invoices_due', count: 0, items: [] },
    ],
  }
}

let api: ReturnType<typeof fakeFetch>
beforeEach(() => {
  i18n.global.locale.value = 'zh-CN'
  api = fakeFetch({
    'GET /api/v1/todo': (_body, url) => {
      const whole = todo()
      if (url.searchParams.get('sections') === 'contacts_due') {
        const section = whole.sections[0]!
        section.items = [...section.items, ...section.items.map((i) => ({ ...i, id: i.id + 100 }))]
        whole.sections = [section]
      }
      return [200, whole]
    },
    'PATCH /api/v1/activities/31': () => [200, { id: 31, status: 'done' }],
  })
  vi.stubGlobal('fetch', api.fn)
})
afterEach(() => {
  vi.unstubAllGlobals()
  i18n.global.locale.value = 'zh-CN'
})

const section = (wrapper: ReturnType<typeof mountApp>, key: string) =>
  wrapper.find(`[data-section="${key}"]`)

describe('TodoPage', () => {
  it('shows each section with its count, overdue marked in words, in both languages', async () => {
    for (const [lang, title, overdue, empty, activities] of [
      ['zh-CN', '今日待联系', '逾期', '没有新分配给您的客户。', '今日日程'],
      ['en', 'Contacts due', 'Overdue', 'No new customers assigned to you.', "Today's activities"],
    ] as const) {
      i18n.global.locale.value = lang
      const wrapper = mountApp(TodoPage)
      await settle()
      const keys = wrapper.findAll('[data-section]').map((s) => s.attributes('data-section'))
      expect(keys).toEqual(['contacts_due', 'activities_today', 'newly_assigned', 'invoices_due'])
      const due = section(wrapper, 'contacts_due')
      expect(due.find('h2').text()).toBe(title)
      expect(due.find('[data-testid="todo-count"]').text()).toBe('7')
      const first = due.find('[data-testid="todo-item-customer-11"]')
      expect(first.classes()).toContain('is-overdue')
      expect(first.find('.todo-overdue').text()).toBe(overdue)
      expect(due.find('[data-testid="todo-item-customer-12"] .todo-overdue').exists()).toBe(false)
      expect(section(wrapper, 'activities_today').find('h2').text()).toBe(activities)
      expect(section(wrapper, 'newly_assigned').text()).toContain(empty)
      // The unknown section: its key as title, a generic empty text.
      expect(section(wrapper, 'invoices_due').find('h2').text()).toBe('invoices_due')
      wrapper.unmount()
    }
  })

  it('calls by tel: link, marks an activity done and reads the page again', async () => {
    const wrapper = mountApp(TodoPage)
    await settle()
    const call = section(wrapper, 'contacts_due').find('a[href="tel:13800000000"]')
    expect(call.exists()).toBe(true)
    // No number, no call button.
    expect(
      section(wrapper, 'contacts_due')
        .find('[data-testid="todo-item-customer-12"] a[href^="tel:"]')
        .exists(),
    ).toBe(false)
    const before = api.calls.filter((c) => c.url.pathname === '/api/v1/todo').length
    await section(wrapper, 'activities_today').find('[data-testid="todo-done"]').trigger('click')
    await settle()
    const patch = api.calls.find((c) => c.method === 'PATCH')
    expect(patch?.url.pathname).toBe('/api/v1/activities/31')
    expect(patch?.body).toEqual({ status: 'done', version: 3 })
    expect(api.calls.filter((c) => c.url.pathname === '/api/v1/todo').length).toBe(before + 1)
  })

  it('shows all of a longer section on request, and reloads when a notification arrives', async () => {
    const wrapper = mountApp(TodoPage)
    await settle()
    const due = () => section(wrapper, 'contacts_due')
    expect(due().findAll('.todo-item')).toHaveLength(2)
    const more = due()
      .findAll('button')
      .find((b) => b.text().includes('显示全部 7 项'))
    expect(more).toBeTruthy()
    await more!.trigger('click')
    await settle()
    expect(due().findAll('.todo-item')).toHaveLength(4)
    const asked = api.calls.at(-1)!
    expect(asked.url.searchParams.get('sections')).toBe('contacts_due')
    expect(asked.url.searchParams.get('limit')).toBe('50')

    const count = () => api.calls.filter((c) => c.url.pathname === '/api/v1/todo').length
    const before = count()
    useNotificationsStore().items = [
      {
        id: 5,
        kind: 'next_contact',
        title: '联系华东机电',
        body: '',
        link: '/customers/11',
        entity: 'customer',
        entity_id: 11,
        due_at: '2026-12-07T01:00:00Z',
        visible_at: '2026-12-07T01:00:00Z',
        created_at: '2026-12-07T01:00:00Z',
        read_at: null,
        read: false,
      },
    ]
    await settle()
    expect(count()).toBeGreaterThan(before)
    // The whole section stays whole after the reload.
    expect(due().findAll('.todo-item')).toHaveLength(4)
  })

  it('opens the follow-up form for a customer', async () => {
    const wrapper = mountApp(TodoPage, { attachTo: document.body })
    await settle()
    await section(wrapper, 'contacts_due')
      .find('[data-testid="todo-item-customer-11"] [data-testid="todo-followup"]')
      .trigger('click')
    await settle()
    expect(document.body.textContent).toContain('华东机电')
    expect(document.querySelector('[data-testid="followup-content"]')).not.toBeNull()
    wrapper.unmount()
  })
})
