// The role editor's words for permissions: each permission's label and its group's legend, in the
// UI's language. Every permission and group the server has gets one (tests/server-names.test.ts).
import { i18n } from '@/i18n'
import { recordType } from '@/modules/records/types'

/** A permission's label; a kit type's are named from its title (records.permission). */
export function permissionLabel(permission: string): string {
  const { t, te } = i18n.global
  if (te(`permissions.${permission}`)) return t(`permissions.${permission}`)
  const [prefix = '', action = ''] = permission.split('.')
  const type = recordType(prefix)
  if (type && te(`records.permission.${action}`))
    return t(`records.permission.${action}`, { type: t(type.titleKey) })
  return permission
}

/** A group's legend: a kit type's title, else the page it is about (客户, 部门, …), else its name. */
export function permissionGroupLabel(prefix: string): string {
  const { t, te } = i18n.global
  const type = recordType(prefix)
  if (type) return t(type.titleKey)
  return te(`nav.${prefix}`) ? t(`nav.${prefix}`) : prefix
}
