import { describe, expect, it } from 'vitest'
import { firstAllowedPath, isGroup, visibleMenu, type MenuItem } from '@/modules/shell/menu'

const canWith = (granted: string[]) => (p: MenuItem['permission']) =>
  !p || (Array.isArray(p) ? p : [p]).some((x) => granted.includes(x))

describe('visibleMenu', () => {
  it('shows a salesperson no administration', () => {
    const menu = visibleMenu(canWith(['customers.view', 'customers.create']))
    expect(menu.some(isGroup)).toBe(false)
    expect(menu.map((e) => (isGroup(e) ? e.label_key : e.path))).toEqual([
      '/todo',
      '/customers',
      '/pool',
    ])
  })

  it('shows an administrator everything', () => {
    const menu = visibleMenu(
      canWith([
        'customers.view',
        'customers.delete',
        'users.manage',
        'departments.edit',
        'audit.view',
      ]),
    )
    const admin = menu.find(isGroup)
    expect(admin?.items.map((i) => i.path)).toEqual([
      '/admin/departments',
      '/admin/roles',
      '/admin/users',
      '/admin/custom-fields',
      '/admin/audit',
      '/admin/jobs',
      '/admin/company',
      '/admin/mail',
      '/admin/reminders',
      '/admin/pool-rules',
    ])
  })

  it('shows the departments page to those who may edit departments, not to users.manage', () => {
    const paths = (granted: string[]) =>
      visibleMenu(canWith(granted))
        .flatMap((e) => (isGroup(e) ? e.items : [e]))
        .map((i) => i.path)
    expect(paths(['users.manage'])).not.toContain('/admin/departments')
    // Every role may view departments (pickers); only editors get the page.
    expect(paths(['departments.view'])).not.toContain('/admin/departments')
    expect(paths(['departments.edit'])).toEqual(['/admin/departments'])
  })

  it('sends a user to the first page they may use', () => {
    expect(firstAllowedPath(canWith(['customers.view']))).toBe('/todo')
    expect(firstAllowedPath(canWith(['activities.view']))).toBe('/todo')
    expect(firstAllowedPath(canWith(['audit.view']))).toBe('/admin/audit')
    expect(firstAllowedPath(canWith([]))).toBe('/profile')
  })
})
