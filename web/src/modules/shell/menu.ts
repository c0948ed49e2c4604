import type { Component } from 'vue'
import {
  Delete,
  Document,
  OfficeBuilding,
  Stamp,
  User,
  UserFilled,
  Files,
  Operation,
  Sunny,
  Timer,
  Setting,
  Message,
  Calendar,
  List,
  Bell,
  Finished,
  Goods,
  PriceTag,
  Tickets,
} from '@element-plus/icons-vue'
import { ChatLineSquare, Coin, DataBoard, Flag, Guide } from '@element-plus/icons-vue'

export interface MenuItem {
  path: string
  label_key: string
  icon: Component
  /** Shown only when the user has (any of) these permissions. */
  permission?: string | string[]
}

export interface MenuGroup {
  label_key: string
  icon: Component
  items: MenuItem[]
}

export const MENU: (MenuItem | MenuGroup)[] = [
  {
    path: '/todo',
    label_key: 'nav.todo',
    icon: List,
    permission: ['customers.view', 'activities.view'],
  },
  {
    path: '/customers',
    label_key: 'nav.customers',
    icon: UserFilled,
    permission: 'customers.view',
  },
  { path: '/pool', label_key: 'nav.pool', icon: Sunny, permission: 'customers.view' },
  {
    path: '/calendar',
    label_key: 'nav.calendar',
    icon: Calendar,
    permission: 'activities.view',
  },
  {
    label_key: 'pipeline.nav.sales',
    icon: Coin,
    items: [
      {
        path: '/pipeline-board',
        label_key: 'pipeline.nav.board',
        icon: DataBoard,
        permission: 'opportunities.view',
      },
      {
        path: '/records/opportunities',
        label_key: 'pipeline.nav.opportunities',
        icon: Coin,
        permission: 'opportunities.view',
      },
      {
        path: '/records/competitors',
        label_key: 'pipeline.nav.competitors',
        icon: Flag,
        permission: 'competitors.view',
      },
      {
        path: '/records/quotes',
        label_key: 'quotes.title',
        icon: Tickets,
        permission: 'quotes.view',
      },
      {
        path: '/records/contracts',
        label_key: 'contracts.title',
        icon: Document,
        permission: 'contracts.view',
      },
      {
        path: '/records/products',
        label_key: 'quotes.products',
        icon: Goods,
        permission: 'products.view',
      },
      {
        path: '/records/price_lists',
        label_key: 'quotes.priceLists',
        icon: PriceTag,
        permission: 'price_lists.view',
      },
      {
        path: '/records/templates',
        label_key: 'nav.templates',
        icon: ChatLineSquare,
        permission: 'templates.view',
      },
    ],
  },
  {
    path: '/customers/recycle-bin',
    label_key: 'nav.recycleBin',
    icon: Delete,
    permission: 'customers.delete',
  },
  {
    label_key: 'nav.admin',
    icon: Stamp,
    items: [
      {
        path: '/admin/departments',
        label_key: 'nav.departments',
        icon: OfficeBuilding,
        permission: 'departments.edit',
      },
      { path: '/admin/roles', label_key: 'nav.roles', icon: Files, permission: 'users.manage' },
      { path: '/admin/users', label_key: 'nav.users', icon: User, permission: 'users.manage' },
      {
        path: '/admin/custom-fields',
        label_key: 'nav.customFields',
        icon: Operation,
        permission: 'users.manage',
      },
      {
        path: '/admin/audit',
        label_key: 'nav.audit',
        icon: Document,
        permission: ['audit.view', 'users.manage'],
      },
      { path: '/admin/jobs', label_key: 'nav.jobs', icon: Timer, permission: 'users.manage' },
      {
        path: '/admin/company',
        label_key: 'nav.company',
        icon: Setting,
        permission: 'users.manage',
      },
      { path: '/admin/mail', label_key: 'nav.mail', icon: Message, permission: 'users.manage' },
      {
        path: '/admin/reminders',
        label_key: 'nav.reminders',
        icon: Bell,
        permission: 'users.manage',
      },
      {
        path: '/records/pipelines',
        label_key: 'pipeline.nav.pipelines',
        icon: Guide,
        permission: 'pipelines.edit',
      },
      {
        path: '/records/pipeline_stages',
        label_key: 'pipeline.nav.stages',
        icon: Guide,
        permission: 'pipeline_stages.edit',
      },
      {
        path: '/admin/pool-rules',
        label_key: 'nav.poolRules',
        icon: Finished,
        permission: 'users.manage',
      },
    ],
  },
]

export function isGroup(entry: MenuItem | MenuGroup): entry is MenuGroup {
  return 'items' in entry
}

/** The menu as this user may use it: items without the permission, and empty groups, are left out. */
export function visibleMenu(can: (p: MenuItem['permission']) => boolean): (MenuItem | MenuGroup)[] {
  const result: (MenuItem | MenuGroup)[] = []
  for (const entry of MENU) {
    if (isGroup(entry)) {
      const items = entry.items.filter((item) => can(item.permission))
      if (items.length) result.push({ ...entry, items })
    } else if (can(entry.permission)) {
      result.push(entry)
    }
  }
  return result
}

/** Where to send a user after login when no page was asked for. */
export function firstAllowedPath(can: (p: MenuItem['permission']) => boolean): string {
  for (const entry of visibleMenu(can)) {
    if (isGroup(entry)) return entry.items[0]!.path
    return entry.path
  }
  return '/profile'
}
