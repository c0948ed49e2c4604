import {
  createRouter,
  createWebHistory,
  loadRouteLocation,
  type RouteRecordRaw,
  type Router,
} from 'vue-router'
import { onUnauthorized } from '@/api/client'
import { i18n } from '@/i18n'
import { elementReady } from '@/plugins/elementLazy'
import { useMetadataStore } from '@/stores/metadata'
import { useSessionStore } from '@/stores/session'
import { firstAllowedPath } from '@/modules/shell/menu'
import { prepareFormatters } from '@/utils/format'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    /** Any of these permissions is needed. */
    permission?: string | string[]
    /** i18n key of the page title. */
    title?: string
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/modules/auth/LoginPage.vue'),
    meta: { public: true, title: 'auth.login' },
  },
  {
    path: '/',
    component: () => import('@/modules/shell/AppLayout.vue'),
    children: [
      {
        // Sent on by the guard to the first page this user may use.
        path: '',
        name: 'home',
        component: () => import('@/modules/shell/ProfilePage.vue'),
      },
      {
        // The salesperson's landing page (the first menu entry, so where login leads).
        path: 'todo',
        name: 'todo',
        component: () => import('@/modules/todo/TodoPage.vue'),
        meta: { permission: ['customers.view', 'activities.view'], title: 'todo.title' },
      },
      {
        path: 'customers',
        name: 'customers',
        component: () => import('@/modules/customers/CustomerListPage.vue'),
        meta: { permission: 'customers.view', title: 'nav.customers' },
        // Right after sign-in, its first rows are on their way (below): the page waits a few ms
        // for them and is built once, with its rows.
        beforeEnter: async () =>
          (await import('@/modules/customers/useCustomers')).firstPageAhead(),
      },
      {
        path: 'customers/new',
        name: 'customer-new',
        component: () => import('@/modules/customers/CustomerFormPage.vue'),
        meta: { permission: 'customers.create', title: 'customers.new' },
      },
      {
        path: 'customers/recycle-bin',
        name: 'customer-recycle-bin',
        component: () => import('@/modules/customers/CustomerRecycleBinPage.vue'),
        meta: { permission: 'customers.delete', title: 'nav.recycleBin' },
      },
      {
        path: 'customers/:id(\\d+)',
        name: 'customer',
        component: () => import('@/modules/customers/CustomerDetailPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'customers.view', title: 'customers.detail' },
      },
      {
        path: 'customers/:id(\\d+)/edit',
        name: 'customer-edit',
        component: () => import('@/modules/customers/CustomerFormPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'customers.edit', title: 'customers.edit' },
      },
      {
        // Its own chunk with FullCalendar: nothing of it in the first load.
        path: 'calendar',
        name: 'calendar',
        component: () => import('@/modules/calendar/CalendarPage.vue'),
        meta: { permission: 'activities.view', title: 'nav.calendar' },
      },
      {
        path: 'pipeline-board',
        name: 'pipeline-board',
        component: () => import('@/modules/pipeline/PipelineBoardPage.vue'),
        meta: { permission: 'opportunities.view', title: 'pipeline.nav.board' },
      },
      {
        path: 'pool',
        name: 'pool',
        component: () => import('@/modules/pool/PoolListPage.vue'),
        meta: { permission: 'customers.view', title: 'nav.pool' },
      },
      {
        path: 'admin/departments',
        name: 'departments',
        component: () => import('@/modules/admin/DepartmentsPage.vue'),
        meta: { permission: 'departments.edit', title: 'nav.departments' },
      },
      {
        path: 'admin/roles',
        name: 'roles',
        component: () => import('@/modules/admin/RolesPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.roles' },
      },
      {
        path: 'admin/users',
        name: 'users',
        component: () => import('@/modules/admin/UsersPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.users' },
      },
      {
        path: 'admin/custom-fields',
        name: 'custom-fields',
        component: () => import('@/modules/admin/CustomFieldsPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.customFields' },
      },
      {
        path: 'admin/audit',
        name: 'audit',
        component: () => import('@/modules/admin/AuditPage.vue'),
        meta: { permission: ['audit.view', 'users.manage'], title: 'nav.audit' },
      },
      {
        path: 'admin/jobs',
        name: 'jobs',
        component: () => import('@/modules/admin/JobsPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.jobs' },
      },
      {
        path: 'admin/company',
        name: 'company-settings',
        component: () => import('@/modules/admin/CompanySettingsPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.company' },
      },
      {
        path: 'admin/pool-rules',
        name: 'pool-rules',
        component: () => import('@/modules/pool/PoolRulesPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.poolRules' },
      },
      {
        path: 'admin/mail',
        name: 'mail-settings',
        component: () => import('@/modules/admin/MailSettingsPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.mail' },
      },
      {
        path: 'admin/reminders',
        name: 'reminder-rules',
        component: () => import('@/modules/admin/ReminderRulesPage.vue'),
        meta: { permission: 'users.manage', title: 'nav.reminders' },
      },
      {
        // A record kit type not under a customer (modules/records/types.ts, place 'page'); the
        // page itself answers "not found" for any other name or a type the user may not view.
        path: 'records/:type([a-z][a-z0-9_]*)',
        name: 'records',
        component: () => import('@/modules/records/RecordListPage.vue'),
        props: (route) => ({ type: String(route.params.type) }),
        // The title is the type's (the types load with the page, not in the first bundle); the
        // page itself names it again when only the type changes.
        beforeEnter: async (to) => {
          const { nameRecordRoute } = await import('@/modules/records/types')
          nameRecordRoute(to)
        },
      },
      {
        // A contract's payment plan and payments (modules/contracts).
        path: 'contracts/:id(\\d+)',
        name: 'contract',
        component: () => import('@/modules/contracts/ContractPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'contracts.view', title: 'contracts.page' },
      },
      {
        // An opportunity's page: its head, timeline, stage history and the records on it.
        path: 'opportunities/:id(\\d+)',
        name: 'opportunity',
        component: () => import('@/modules/pipeline/OpportunityPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'opportunities.view', title: 'pipeline.opportunity.title' },
      },
      {
        path: 'quotes/:id(\\d+)',
        name: 'quote',
        component: () => import('@/modules/quotes/QuoteEditorPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'quotes.view', title: 'quotes.editorTitle' },
      },
      {
        path: 'price-lists/:id(\\d+)',
        name: 'price-list-lines',
        component: () => import('@/modules/quotes/PriceListLinesPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'price_lists.view', title: 'quotes.priceListLines' },
      },
      {
        // A message template's editor (modules/messages): SMS and e-mail texts with variables.
        path: 'templates/new',
        name: 'template-new',
        component: () => import('@/modules/messages/TemplateEditorPage.vue'),
        props: { id: null },
        meta: { permission: 'templates.create', title: 'templates.new' },
      },
      {
        path: 'templates/:id(\\d+)',
        name: 'template',
        component: () => import('@/modules/messages/TemplateEditorPage.vue'),
        props: (route) => ({ id: Number(route.params.id) }),
        meta: { permission: 'templates.view', title: 'templates.editorTitle' },
      },
      {
        path: 'profile',
        name: 'profile',
        component: () => import('@/modules/shell/ProfilePage.vue'),
        meta: { title: 'profile.title' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/modules/shell/NotFoundPage.vue'),
        meta: { title: 'common.notFound' },
      },
    ],
  },
]

/**
 * Starts downloading what the page at `path` needs — its route's components and the Element Plus
 * components of signed-in pages — without waiting: the navigation then finds them loaded.
 */
export function preloadRoute(router: Router, path: string): void {
  void loadRouteLocation(router.resolve(path)).catch(() => undefined)
  void elementReady().catch(() => undefined)
}

/** Adds the login and permission guards, and sends the user to login when the session expires. */
export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    // A page behind the login needs the rest of Element Plus: fetched beside the session check.
    const components = to.meta.public ? null : elementReady()
    try {
      await session.restore()
    } catch {
      // The server is unreachable: let the page show its own error rather than loop to login.
    }
    if (components) await components
    if (to.meta.public) {
      if (to.name === 'login' && session.isLoggedIn) {
        const redirect = typeof to.query.redirect === 'string' ? to.query.redirect : ''
        return redirect.startsWith('/') ? redirect : firstAllowedPath(session.can)
      }
      return true
    }
    if (!session.isLoggedIn) {
      return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
    }
    if (to.name === 'home') return firstAllowedPath(session.can)
    if (!session.can(to.meta.permission))
      return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } }
    return true
  })

  // Signing in checks the password on the server (tens to hundreds of ms): meanwhile, fetch the
  // code of the page the login leads to — the one asked for, else the to-do page, the first page
  // of every role that sees customers or activities.
  const session = useSessionStore()
  session.$onAction(({ name, after }) => {
    if (name !== 'login') return
    const redirect = router.currentRoute.value.query.redirect
    const target = router.resolve(
      typeof redirect === 'string' && redirect.startsWith('/') ? redirect : '/todo',
    )
    preloadRoute(router, target.fullPath)
    // (The list's module too, for its first rows below; not in the login page's bundle.)
    const list = target.name === 'customers' ? import('@/modules/customers/useCustomers') : null
    // The list's date formatters too, once the login request is on its way.
    setTimeout(() => prepareFormatters(i18n.global.locale.value), 0)
    // ...and, once signed in, the field definitions the customer list renders with and its
    // first rows (the page takes them if it asks for the same).
    after(() => {
      if (target.name === 'customers' && session.can('customers.view')) {
        void useMetadataStore()
          .load('customers')
          .catch(() => undefined)
        if (list && !Object.keys(target.query).length) {
          void list.then((module) => module.fetchFirstPageAhead()).catch(() => undefined)
        }
      }
    })
  })

  onUnauthorized(() => {
    const session = useSessionStore()
    if (!session.isLoggedIn) return
    session.forget()
    const current = router.currentRoute.value
    if (current.meta.public) return
    void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } })
  })
}

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  installGuards(router)
  return router
}
