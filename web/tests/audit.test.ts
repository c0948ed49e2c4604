// The audit log in words: sentences and changes in both languages (auditText.ts).
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEntry } from '@/api/types'
import { i18n } from '@/i18n'
import { auditChanges, auditSentence } from '@/modules/admin/auditText'

function entry(change: Partial<AuditEntry>): AuditEntry {
  return {
    id: 1,
    at: '2026-12-01T08:00:00Z',
    user_id: 2,
    user_name: '张伟',
    action: 'customer.update',
    entity: 'customer',
    entity_id: 3,
    entity_name: '华为',
    ip: '10.0.0.7',
    details: {},
    ...change,
  }
}

afterEach(() => {
  i18n.global.locale.value = 'zh-CN'
})

describe('the audit log in words', () => {
  it('says who did what to which record', () => {
    i18n.global.locale.value = 'zh-CN'
    expect(auditSentence(entry({}))).toBe('张伟 修改了客户「华为」')
    expect(auditSentence(entry({ action: 'deal.create' }))).toBe(
      '张伟 为客户「华为」新增了成交记录',
    )
    i18n.global.locale.value = 'en'
    expect(auditSentence(entry({ user_name: 'Zhang Wei', entity_name: 'Huawei' }))).toBe(
      'Zhang Wei edited customer “Huawei”',
    )
  })

  it('tells a failed login by the name typed and the address', () => {
    const failed = entry({
      action: 'auth.login_failed',
      user_name: null,
      entity: 'user',
      entity_name: 'Zhang Wei',
      details: { username: 'zhang.wei' },
    })
    i18n.global.locale.value = 'zh-CN'
    expect(auditSentence(failed)).toBe('登录失败：用户名 zhang.wei，来自 10.0.0.7')
    expect(auditSentence({ ...failed, details: {} })).toBe('登录失败：未知用户名，来自 10.0.0.7')
    i18n.global.locale.value = 'en'
    expect(auditSentence(failed)).toBe('Failed login: user name zhang.wei, from 10.0.0.7')
  })

  it('shows changed fields as label: before → after, with the field labels', () => {
    const changed = entry({
      action: 'deal.update',
      details: {
        deal_id: 9,
        changes: {
          amount: { before: '100.00', after: '250.00' },
          owner_id: { before: 2, after: 5, before_name: '张伟', after_name: '李娜' },
        },
      },
    })
    i18n.global.locale.value = 'zh-CN'
    expect(auditChanges(changed).map((c) => `${c.label}: ${c.before} → ${c.after}`)).toEqual([
      '成交金额: 100.00 → 250.00',
      '负责人: 张伟 → 李娜',
    ])
    i18n.global.locale.value = 'en'
    expect(auditChanges(changed)[0]).toMatchObject({ label: 'Amount' })
    // A customer's update logged the values it set.
    expect(auditChanges(entry({ details: { phone: '138', version: 3 } }))).toEqual([
      { field: 'phone', label: 'Phone', before: null, after: '138' },
    ])
  })

  it("tells a role's edit in words: names and scope before → after, permissions added and removed", () => {
    const role = entry({
      action: 'role.update',
      entity: 'role',
      entity_name: '大区销售',
      details: {
        changes: {
          name: { before: '片区销售', after: '大区销售' },
          data_scope: { before: 'self', after: 'department' },
          permissions: {
            added: ['customers.export', 'customers.import'],
            removed: ['customers.create'],
          },
        },
      },
    })
    const lines = () =>
      auditChanges(role).map(
        (c) => `${c.label}: ${c.before ?? ''}${c.before === null ? '' : ' → '}${c.after}`,
      )
    i18n.global.locale.value = 'zh-CN'
    expect(auditSentence(role)).toBe('张伟 修改了角色「大区销售」')
    expect(lines()).toEqual([
      '名称: 片区销售 → 大区销售',
      '数据范围: 仅本人 → 本部门',
      '权限: 新增 导出客户、导入客户；移除 新建客户',
    ])
    i18n.global.locale.value = 'en'
    expect(lines()).toEqual([
      'Name: 片区销售 → 大区销售',
      'Data scope: Own only → Own department',
      'Permissions: added Export customers, Import customers; removed Create customers',
    ])
    const onlyRemoved = entry({
      ...role,
      details: { changes: { permissions: { added: [], removed: ['customers.create'] } } },
    })
    expect(auditChanges(onlyRemoved)[0].after).toBe('removed Create customers')
  })

  it('says a password was changed, never showing the word the server logged', () => {
    const changed = entry({
      action: 'user.update',
      entity: 'user',
      entity_name: '张伟',
      details: { password: '(changed)' },
    })
    // As the server logs it now: among the changes.
    const inChanges = entry({
      action: 'user.update',
      entity: 'user',
      details: { changes: { password: { after: '(changed)' } } },
    })
    i18n.global.locale.value = 'zh-CN'
    expect(auditChanges(changed)).toMatchObject([{ label: '密码', after: '已更改（不记录内容）' }])
    expect(auditChanges(inChanges)).toMatchObject([
      { label: '密码', before: '—', after: '已更改（不记录内容）' },
    ])
    i18n.global.locale.value = 'en'
    expect(auditChanges(changed)).toMatchObject([
      { label: 'Password', after: 'changed (not recorded)' },
    ])
  })
})
