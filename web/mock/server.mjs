// A small in-memory stand-in for `guanxi serve`, implementing the API contract the web UI uses
// (shared/API.md plus the UI additions). For UI development and screenshots without the C++ server:
//   node mock/server.mjs [--port 8090] [--web-root dist] [--customers 60]
// It is not the product: no persistence, simplified data scope (own, department, all).
import { createServer } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]])
    return pairs
  }, []),
)
const PORT = Number(args.port ?? 8090)
const WEB_ROOT = args['web-root'] ? resolve(args['web-root']) : null
const ADMIN_PASSWORD = process.env.GUANXI_ADMIN_PASSWORD ?? 'secret-admin-1'

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
const PERMISSIONS = [
  'customers.view',
  'customers.create',
  'customers.edit',
  'customers.delete',
  'customers.export',
  'customers.transfer',
  'users.manage',
  'audit.view',
]
const ids = { next: 100 }
const nextId = () => ++ids.next
const stamp = () => ({ created_at: now(), updated_at: now(), version: 1 })

const db = {
  departments: [],
  roles: [],
  users: [],
  passwords: new Map(),
  customers: [],
  contacts: [],
  followups: [],
  history: [],
  audit: [],
  sessions: new Map(),
  settings: new Map(),
}

function addDepartment(name, parent_id = null) {
  const d = { id: nextId(), name, parent_id, ...stamp() }
  db.departments.push(d)
  return d
}
function addRole(name, data_scope, permissions) {
  const r = { id: nextId(), name, data_scope, permissions, ...stamp() }
  db.roles.push(r)
  return r
}
function addUser(fields, password) {
  const u = {
    id: nextId(),
    email: null,
    phone: null,
    department_id: null,
    role_id: null,
    manager_id: null,
    active: true,
    ...fields,
    ...stamp(),
  }
  db.users.push(u)
  db.passwords.set(u.id, password)
  return u
}

const adminRole = addRole('admin', 'all', PERMISSIONS)
const managerRole = addRole(
  'manager',
  'department_tree',
  PERMISSIONS.filter((p) => p !== 'users.manage' && p !== 'audit.view'),
)
const salesRole = addRole('sales', 'self', [
  'customers.view',
  'customers.create',
  'customers.edit',
  'customers.transfer',
])
const hq = addDepartment('总部')
const sales1 = addDepartment('销售一部', hq.id)
const sales2 = addDepartment('销售二部', hq.id)
addUser(
  { username: 'admin', display_name: '系统管理员', role_id: adminRole.id, department_id: hq.id },
  ADMIN_PASSWORD,
)

const customerFields = [
  ['name', 'string', { required: true, max_length: 200, list: true, filter: false, sort: true }],
  [
    'category',
    'enum',
    {
      options: ['core', 'potential', 'interested', 'not_interested', 'closed', 'payment_due'],
      list: true,
      filter: true,
      sort: true,
    },
  ],
  ['owner_id', 'user', { list: true, filter: true }],
  ['department_id', 'department', { list: false, filter: true }],
  ['industry', 'string', { max_length: 100, list: true, filter: true, sort: true }],
  ['region', 'string', { max_length: 100, list: true, filter: true, sort: true }],
  ['source', 'string', { max_length: 100 }],
  ['phone', 'phone', { max_length: 32, list: true }],
  ['email', 'email', { max_length: 200 }],
  ['address', 'text', { max_length: 500 }],
  ['tags', 'tags', { filter: true }],
  ['custom', 'object', {}],
  ['last_contact_at', 'datetime', { readonly: true, sort: true }],
  ['next_contact_at', 'datetime', { list: true, filter: true, sort: true }],
  ['created_at', 'datetime', { readonly: true, sort: true }],
  ['updated_at', 'datetime', { readonly: true, sort: true }],
]
const META = {
  customers: customerFields,
  contacts: [
    ['name', 'string', { required: true, max_length: 100, list: true }],
    ['title', 'string', { max_length: 100, list: true }],
    ['phone', 'phone', { max_length: 32, list: true }],
    ['email', 'email', { max_length: 200, list: true }],
    ['primary', 'boolean', { list: true }],
  ],
  followups: [
    [
      'kind',
      'enum',
      {
        required: true,
        options: ['call', 'visit', 'meeting', 'email', 'sms', 'other'],
        list: true,
      },
    ],
    ['content', 'text', { required: true, max_length: 5000, list: true }],
    ['contacted_at', 'datetime', { required: true, list: true }],
    ['next_contact_at', 'datetime', { list: true }],
  ],
}
function meta(entity) {
  return {
    entity,
    fields: META[entity].map(([name, type, extra]) => ({
      name,
      type,
      required: false,
      label_key: `${entity}.fields.${name}`,
      list: false,
      filter: false,
      sort: false,
      readonly: false,
      ...extra,
    })),
  }
}

// ---- demo data -------------------------------------------------------------------------------
function seed(count) {
  const wang = addUser(
    {
      username: 'wang.fang',
      display_name: '王芳',
      role_id: managerRole.id,
      department_id: sales1.id,
    },
    'demo1234',
  )
  const zhang = addUser(
    {
      username: 'zhang.wei',
      display_name: '张伟',
      role_id: salesRole.id,
      department_id: sales1.id,
      manager_id: wang.id,
      phone: '13800000001',
    },
    'demo1234',
  )
  const li = addUser(
    { username: 'li.na', display_name: '李娜', role_id: salesRole.id, department_id: sales2.id },
    'demo1234',
  )
  const owners = [zhang, li, wang, null]
  const names = [
    '华为',
    '阿里',
    '腾讯',
    '京东',
    '美团',
    '字节',
    '小米',
    '比亚迪',
    '海尔',
    '格力',
    '联想',
    '中兴',
  ]
  const suffix = [
    '科技有限公司',
    '贸易有限公司',
    '信息技术有限公司',
    '电子商务有限公司',
    '制造有限公司',
  ]
  const regions = ['北京', '上海', '广州', '深圳', '杭州', '成都']
  const industries = ['制造业', '互联网', '零售', '金融', '教育']
  const cats = ['core', 'potential', 'interested', 'not_interested', 'closed', 'payment_due']
  for (let i = 0; i < count; i++) {
    const owner = owners[i % owners.length]
    const c = newCustomer(
      {
        name: `${regions[i % regions.length]}${names[i % names.length]}${suffix[i % suffix.length]}${i > 11 ? i : ''}`,
        category: cats[i % cats.length],
        industry: industries[i % industries.length],
        region: regions[i % regions.length],
        phone: `1390000${String(1000 + i)}`,
        email: `contact${i}@example.cn`,
        tags: i % 3 === 0 ? ['VIP'] : [],
        next_contact_at: new Date(Date.now() + (i - 5) * 86400000)
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      },
      owner,
    )
    if (i < 5) {
      db.followups.push({
        id: nextId(),
        customer_id: c.id,
        kind: 'call',
        content: '电话沟通需求，客户对方案感兴趣。',
        contacted_at: now(),
        next_contact_at: c.next_contact_at,
        user_id: owner?.id ?? null,
        user_name: owner?.display_name ?? null,
        ...stamp(),
      })
      db.contacts.push({
        id: nextId(),
        customer_id: c.id,
        name: '陈经理',
        title: '采购经理',
        phone: '13911112222',
        email: 'chen@example.cn',
        primary: true,
        ...stamp(),
      })
    }
  }
}

function newCustomer(fields, owner) {
  const c = {
    id: nextId(),
    name: '',
    category: null,
    owner_id: owner?.id ?? null,
    department_id: owner?.department_id ?? null,
    industry: null,
    region: null,
    source: null,
    phone: null,
    email: null,
    address: null,
    tags: [],
    custom: {},
    last_contact_at: null,
    next_contact_at: null,
    deleted_at: null,
    ...fields,
    ...stamp(),
  }
  db.customers.push(c)
  return c
}

// ---- access ----------------------------------------------------------------------------------
const roleOf = (u) =>
  db.roles.find((r) => r.id === u.role_id) ?? { data_scope: 'self', permissions: [] }
const can = (u, p) => roleOf(u).permissions.includes(p)
function subDepartments(id) {
  const out = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const d of db.departments) {
      if (d.parent_id !== null && out.has(d.parent_id) && !out.has(d.id)) {
        out.add(d.id)
        grew = true
      }
    }
  }
  return out
}
function sees(u, c) {
  if (!can(u, 'customers.view')) return false
  if (c.owner_id === null) return true
  if (c.owner_id === u.id) return true
  const owner = db.users.find((x) => x.id === c.owner_id)
  const scope = roleOf(u).data_scope
  if (scope === 'all') return true
  if (scope === 'department') return owner?.department_id === u.department_id
  if (scope === 'department_tree')
    return u.department_id !== null && subDepartments(u.department_id).has(owner?.department_id)
  for (let m = owner; m; m = db.users.find((x) => x.id === m.manager_id))
    if (m.manager_id === u.id) return true
  return false
}
const userName = (id) => db.users.find((u) => u.id === id)?.display_name ?? null
const deptName = (id) => db.departments.find((d) => d.id === id)?.name ?? null
const viewCustomer = (c) => ({
  ...c,
  owner_name: userName(c.owner_id),
  department_name: deptName(c.department_id),
})
const viewUser = (u) => {
  const role = roleOf(u)
  return { ...u, department_name: deptName(u.department_id), role_name: role.name ?? null }
}

// ---- http helpers ----------------------------------------------------------------------------
class HttpError extends Error {
  constructor(status, code, message, details) {
    super(message)
    Object.assign(this, { status, code, details })
  }
}
const fail = (status, code, message, details) => {
  throw new HttpError(status, code, message ?? code, details)
}
const notFound = () => fail(404, 'not_found', 'not found')

function paginate(list, query, sortable = [], defaultSort = '') {
  const page = Math.max(1, Number(query.get('page') ?? 1))
  const size = Math.min(500, Math.max(1, Number(query.get('page_size') ?? 50)))
  const sort = query.get('sort') || defaultSort
  if (sort) {
    const field = sort.replace(/^-/, '')
    if (sortable.length && !sortable.includes(field))
      fail(400, 'unknown_sort', `unknown sort field ${field}`)
    const dir = sort.startsWith('-') ? -1 : 1
    list = [...list].sort((a, b) => {
      const x = a[field] ?? ''
      const y = b[field] ?? ''
      return (x < y ? -1 : x > y ? 1 : a.id - b.id) * dir
    })
  }
  return {
    items: list.slice((page - 1) * size, page * size),
    total: list.length,
    page,
    page_size: size,
  }
}

const CUSTOMER_FILTERS = [
  'category',
  'owner_id',
  'department_id',
  'industry',
  'region',
  'tag',
  'next_contact_before',
  'next_contact_after',
  'in_pool',
  'deleted',
  'q',
  'page',
  'page_size',
  'sort',
]
function filterCustomers(user, query, pool) {
  for (const key of query.keys())
    if (!CUSTOMER_FILTERS.includes(key)) fail(400, 'unknown_filter', `unknown filter ${key}`)
  const q = (query.get('q') ?? '').toLowerCase()
  const deleted = query.get('deleted') === 'true'
  return db.customers.filter((c) => {
    if (!!c.deleted_at !== deleted) return false
    if (pool && c.owner_id !== null) return false
    if (!sees(user, c)) return false
    if (q && ![c.name, c.phone, c.email].some((v) => v && v.toLowerCase().includes(q))) return false
    for (const f of ['category', 'industry', 'region'])
      if (query.get(f) && c[f] !== query.get(f)) return false
    for (const f of ['owner_id', 'department_id'])
      if (query.get(f) && String(c[f]) !== query.get(f)) return false
    if (query.get('tag') && !c.tags.includes(query.get('tag'))) return false
    if (
      query.get('next_contact_before') &&
      !(c.next_contact_at && c.next_contact_at <= query.get('next_contact_before'))
    )
      return false
    if (
      query.get('next_contact_after') &&
      !(c.next_contact_at && c.next_contact_at >= query.get('next_contact_after'))
    )
      return false
    if (query.get('in_pool') && String(c.owner_id === null) !== query.get('in_pool')) return false
    return true
  })
}

function duplicatesOf(user, { name, phone, email }, exceptId) {
  const matches = []
  for (const c of db.customers) {
    if (c.deleted_at || c.id === exceptId) continue
    let reason = null
    if (phone && c.phone === phone) reason = 'phone'
    else if (email && c.email && c.email.toLowerCase() === email.toLowerCase()) reason = 'email'
    else if (name && name.length >= 2 && c.name.includes(name)) reason = 'name'
    if (!reason) continue
    const visible = sees(user, c)
    matches.push({
      id: visible ? c.id : null,
      name: visible ? c.name : null,
      owner_id: c.owner_id,
      owner_name: userName(c.owner_id),
      reason,
    })
  }
  return matches
}

const CUSTOMER_WRITABLE = [
  'name',
  'category',
  'owner_id',
  'department_id',
  'industry',
  'region',
  'source',
  'phone',
  'email',
  'address',
  'tags',
  'custom',
  'next_contact_at',
]
function validateCustomer(body, creating) {
  for (const key of Object.keys(body))
    if (![...CUSTOMER_WRITABLE, 'version', 'allow_duplicate'].includes(key))
      fail(400, 'unknown_field', `unknown field ${key}`)
  const fields = {}
  if (creating && !body.name) fields.name = 'required'
  if (body.category && !META.customers[1][2].options.includes(body.category))
    fields.category = 'invalid value'
  if (body.email && !/^[^\s@]+@[^\s@]+$/.test(body.email)) fields.email = 'invalid e-mail'
  if (Object.keys(fields).length) fail(422, 'validation_failed', 'invalid values', { fields })
}

function audit(user, action, entity, entity_id, details = {}) {
  db.audit.unshift({
    id: nextId(),
    at: now(),
    user_id: user?.id ?? null,
    user_name: user?.display_name ?? null,
    action,
    entity,
    entity_id,
    ip: '127.0.0.1',
    details,
  })
}

function changeOwner(c, to, by, reason) {
  db.history.unshift({
    id: nextId(),
    customer_id: c.id,
    at: now(),
    from_user_id: c.owner_id,
    from_user_name: userName(c.owner_id),
    to_user_id: to?.id ?? null,
    to_user_name: to?.display_name ?? null,
    by_user_id: by.id,
    by_user_name: by.display_name,
    reason: reason ?? null,
  })
  c.owner_id = to?.id ?? null
  if (to) c.department_id = to.department_id
  c.version++
  c.updated_at = now()
}

// ---- routes ----------------------------------------------------------------------------------
const failedLogins = new Map()
const routes = []
const route = (method, pattern, handler, opts = {}) =>
  routes.push({
    method,
    pattern: new RegExp(`^${pattern.replace(/:(\w+)/g, '(?<$1>\\d+)')}$`),
    handler,
    ...opts,
  })
const me = (u) => ({ ...viewUser(u), role: roleOf(u), permissions: roleOf(u).permissions })
const customerFor = (user, id) => {
  const c = db.customers.find((x) => x.id === Number(id) && !x.deleted_at)
  if (!c || !sees(user, c)) notFound()
  return c
}
const need = (user, p) => can(user, p) || fail(403, 'forbidden', `needs ${p}`)

route(
  'POST',
  '/auth/login',
  ({ body, res }) => {
    const key = body.username ?? ''
    if ((failedLogins.get(key) ?? 0) >= 10) fail(429, 'rate_limited', 'too many failed logins')
    const user = db.users.find((u) => u.username === body.username && u.active)
    if (!user || db.passwords.get(user.id) !== body.password) {
      failedLogins.set(key, (failedLogins.get(key) ?? 0) + 1)
      fail(401, 'unauthenticated', 'bad credentials')
    }
    const token = randomBytes(24).toString('hex')
    db.sessions.set(token, user.id)
    res.setHeader('Set-Cookie', `guanxi_session=${token}; HttpOnly; SameSite=Lax; Path=/`)
    audit(user, 'login', 'users', user.id)
    return [200, { token, user: viewUser(user) }]
  },
  { public: true },
)
route('POST', '/auth/logout', ({ token, res }) => {
  db.sessions.delete(token)
  res.setHeader('Set-Cookie', 'guanxi_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0')
  return [204]
})
route('GET', '/me', ({ user }) => [200, me(user)])
route('GET', '/me/settings', ({ user }) => [
  200,
  Object.fromEntries(db.settings.get(user.id) ?? []),
])
route('PUT', '/me/settings/(?<key>[\\w.-]+)', ({ user, params, body }) => {
  if (!db.settings.has(user.id)) db.settings.set(user.id, new Map())
  db.settings.get(user.id).set(params.key, body)
  return [204]
})
route('GET', '/meta/(?<entity>customers|contacts|followups)', ({ params }) => [
  200,
  meta(params.entity),
])

const SORTABLE = customerFields.filter((f) => f[2].sort).map((f) => f[0])
route('GET', '/customers', ({ user, query }) => {
  const p = paginate(filterCustomers(user, query, false), query, SORTABLE, '-updated_at')
  return [200, { ...p, items: p.items.map(viewCustomer) }]
})
route('GET', '/pool', ({ user, query }) => {
  const p = paginate(filterCustomers(user, query, true), query, [], '-updated_at')
  return [200, { ...p, items: p.items.map(viewCustomer) }]
})
route('POST', '/customers/check-duplicates', ({ user, body }) => [
  200,
  { matches: duplicatesOf(user, body) },
])
route('POST', '/customers', ({ user, body }) => {
  need(user, 'customers.create')
  validateCustomer(body, true)
  const matches = duplicatesOf(user, body).filter((m) => m.reason !== 'name')
  if (matches.length && !body.allow_duplicate)
    fail(409, 'duplicate', 'a customer with this phone or e-mail exists', { matches })
  const { allow_duplicate: _ignored, ...fields } = body
  const owner = db.users.find((u) => u.id === (fields.owner_id ?? user.id)) ?? user
  const c = newCustomer(
    { ...fields, owner_id: owner.id, department_id: fields.department_id ?? owner.department_id },
    owner,
  )
  audit(user, 'create', 'customers', c.id)
  return [201, viewCustomer(c)]
})
route('POST', '/customers/transfer', ({ user, body }) => {
  need(user, 'customers.transfer')
  const to =
    db.users.find((u) => u.id === body.owner_id && u.active) ??
    fail(422, 'validation_failed', 'bad owner', { fields: { owner_id: 'unknown user' } })
  const list = (body.ids ?? []).map((id) => customerFor(user, id))
  for (const c of list) changeOwner(c, to, user, body.reason)
  audit(user, 'transfer', 'customers', null, { ids: body.ids, owner_id: to.id })
  return [200, { transferred: list.length }]
})
route('GET', '/customers/:id', ({ user, params }) => [
  200,
  viewCustomer(customerFor(user, params.id)),
])
route('PATCH', '/customers/:id', ({ user, params, body }) => {
  need(user, 'customers.edit')
  const c = customerFor(user, params.id)
  validateCustomer(body, false)
  if (body.version !== undefined && body.version !== c.version)
    fail(409, 'stale_version', 'stale version')
  for (const k of CUSTOMER_WRITABLE) if (k in body) c[k] = body[k]
  c.version++
  c.updated_at = now()
  audit(user, 'update', 'customers', c.id)
  return [200, viewCustomer(c)]
})
route('DELETE', '/customers/:id', ({ user, params }) => {
  need(user, 'customers.delete')
  const c = customerFor(user, params.id)
  c.deleted_at = now()
  audit(user, 'delete', 'customers', c.id)
  return [204]
})
route('POST', '/customers/:id/restore', ({ user, params }) => {
  const c =
    db.customers.find((x) => x.id === Number(params.id) && x.deleted_at && sees(user, x)) ??
    notFound()
  c.deleted_at = null
  return [200, viewCustomer(c)]
})
route('POST', '/customers/:id/claim', async ({ user, params }) => {
  const c = db.customers.find((x) => x.id === Number(params.id) && !x.deleted_at) ?? notFound()
  await new Promise((r) => setTimeout(r, 30))
  if (c.owner_id !== null) fail(409, 'already_claimed', 'someone else claimed this customer first')
  changeOwner(c, user, user, 'claim')
  return [200, viewCustomer(c)]
})
route('POST', '/customers/:id/release', ({ user, params, body }) => {
  const c = customerFor(user, params.id)
  changeOwner(c, null, user, body.reason)
  return [200, viewCustomer(c)]
})
route('GET', '/customers/:id/history', ({ user, params }) => {
  const c = customerFor(user, params.id)
  return [200, { items: db.history.filter((h) => h.customer_id === c.id) }]
})
route('GET', '/customers/:id/contacts', ({ user, params }) => {
  const c = customerFor(user, params.id)
  return [200, { items: db.contacts.filter((x) => x.customer_id === c.id) }]
})
route('POST', '/customers/:id/contacts', ({ user, params, body }) => {
  const c = customerFor(user, params.id)
  if (!body.name) fail(422, 'validation_failed', 'invalid', { fields: { name: 'required' } })
  const contact = {
    id: nextId(),
    customer_id: c.id,
    title: null,
    phone: null,
    email: null,
    primary: false,
    ...body,
    ...stamp(),
  }
  db.contacts.push(contact)
  return [201, contact]
})
route('PATCH', '/customers/:id/contacts/(?<contact>\\d+)', ({ user, params, body }) => {
  customerFor(user, params.id)
  const contact = db.contacts.find((x) => x.id === Number(params.contact)) ?? notFound()
  const { version: _v, ...fields } = body
  Object.assign(contact, fields, { updated_at: now(), version: contact.version + 1 })
  return [200, contact]
})
route('DELETE', '/customers/:id/contacts/(?<contact>\\d+)', ({ user, params }) => {
  customerFor(user, params.id)
  db.contacts = db.contacts.filter((x) => x.id !== Number(params.contact))
  return [204]
})
route('GET', '/customers/:id/followups', ({ user, params }) => {
  const c = customerFor(user, params.id)
  return [
    200,
    {
      items: db.followups
        .filter((x) => x.customer_id === c.id)
        .sort((a, b) => (a.contacted_at < b.contacted_at ? 1 : -1)),
    },
  ]
})
route('POST', '/customers/:id/followups', ({ user, params, body }) => {
  const c = customerFor(user, params.id)
  if (!body.content) fail(422, 'validation_failed', 'invalid', { fields: { content: 'required' } })
  const f = {
    id: nextId(),
    customer_id: c.id,
    user_id: user.id,
    user_name: user.display_name,
    next_contact_at: null,
    ...body,
    ...stamp(),
  }
  db.followups.push(f)
  c.last_contact_at = f.contacted_at
  if (f.next_contact_at) c.next_contact_at = f.next_contact_at
  return [201, f]
})

route('GET', '/departments', () => [
  200,
  { items: db.departments, total: db.departments.length, page: 1, page_size: 500 },
])
route('POST', '/departments', ({ user, body }) => {
  need(user, 'users.manage')
  if (!body.name) fail(422, 'validation_failed', 'invalid', { fields: { name: 'required' } })
  return [201, addDepartment(body.name, body.parent_id ?? null)]
})
route('PATCH', '/departments/:id', ({ user, params, body }) => {
  need(user, 'users.manage')
  const d = db.departments.find((x) => x.id === Number(params.id)) ?? notFound()
  if ('parent_id' in body && body.parent_id !== null && subDepartments(d.id).has(body.parent_id))
    fail(422, 'validation_failed', 'cycle', { fields: { parent_id: 'cycle' } })
  Object.assign(d, body, { updated_at: now() })
  return [200, d]
})
route('DELETE', '/departments/:id', ({ user, params }) => {
  need(user, 'users.manage')
  const id = Number(params.id)
  if (
    db.departments.some((d) => d.parent_id === id) ||
    db.users.some((u) => u.department_id === id)
  )
    fail(409, 'conflict', 'department is not empty')
  db.departments = db.departments.filter((d) => d.id !== id)
  return [204]
})
route('GET', '/roles', () => [
  200,
  { items: db.roles, total: db.roles.length, page: 1, page_size: 500 },
])
route('GET', '/permissions', () => [200, { items: PERMISSIONS }])
route(
  'POST',
  '/roles',
  ({ user, body }) => (
    need(user, 'users.manage'),
    [201, addRole(body.name, body.data_scope, body.permissions ?? [])]
  ),
)
route('PATCH', '/roles/:id', ({ user, params, body }) => {
  need(user, 'users.manage')
  const r = db.roles.find((x) => x.id === Number(params.id)) ?? notFound()
  Object.assign(r, body, { updated_at: now() })
  return [200, r]
})
route('DELETE', '/roles/:id', ({ user, params }) => {
  need(user, 'users.manage')
  db.roles = db.roles.filter((r) => r.id !== Number(params.id))
  return [204]
})
route('GET', '/users', ({ query }) => {
  const q = (query.get('q') ?? '').toLowerCase()
  let list = db.users.filter(
    (u) =>
      !q || [u.username, u.display_name, u.phone].some((v) => v && v.toLowerCase().includes(q)),
  )
  if (query.get('department_id'))
    list = list.filter((u) => String(u.department_id) === query.get('department_id'))
  if (query.get('active')) list = list.filter((u) => String(u.active) === query.get('active'))
  const p = paginate(list, query, [], 'username')
  return [200, { ...p, items: p.items.map(viewUser) }]
})
route('POST', '/users', ({ user, body }) => {
  need(user, 'users.manage')
  const fields = {}
  if (!body.username) fields.username = 'required'
  if (!body.password) fields.password = 'required'
  if (db.users.some((u) => u.username === body.username)) fail(409, 'conflict', 'username taken')
  if (Object.keys(fields).length) fail(422, 'validation_failed', 'invalid', { fields })
  const { password, ...rest } = body
  const u = addUser({ display_name: body.username, ...rest }, password)
  audit(user, 'create', 'users', u.id)
  return [201, viewUser(u)]
})
route('GET', '/users/:id', ({ params }) => [
  200,
  viewUser(db.users.find((u) => u.id === Number(params.id)) ?? notFound()),
])
route('PATCH', '/users/:id', ({ user, params, body }) => {
  need(user, 'users.manage')
  const u = db.users.find((x) => x.id === Number(params.id)) ?? notFound()
  const { password, ...rest } = body
  if (password) db.passwords.set(u.id, password)
  Object.assign(u, rest, { updated_at: now(), version: u.version + 1 })
  audit(user, 'update', 'users', u.id)
  return [200, viewUser(u)]
})
route('POST', '/users/:id/handover', ({ user, params, body }) => {
  need(user, 'users.manage')
  const from = Number(params.id)
  const to =
    db.users.find((u) => u.id === body.to_user_id) ??
    fail(422, 'validation_failed', 'bad user', { fields: { to_user_id: 'unknown' } })
  const list = db.customers.filter((c) => c.owner_id === from && !c.deleted_at)
  for (const c of list) changeOwner(c, to, user, 'handover')
  return [200, { transferred: list.length }]
})
route('GET', '/audit-log', ({ user, query }) => {
  need(user, 'audit.view')
  let list = db.audit
  for (const f of ['user_id', 'action', 'entity'])
    if (query.get(f)) list = list.filter((a) => String(a[f]) === query.get(f))
  if (query.get('from')) list = list.filter((a) => a.at >= query.get('from'))
  if (query.get('to')) list = list.filter((a) => a.at <= query.get('to'))
  return [200, paginate(list, query)]
})

// ---- server ----------------------------------------------------------------------------------
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
}

async function serveStatic(req, res, path) {
  if (!WEB_ROOT) return false
  let file = normalize(join(WEB_ROOT, decodeURIComponent(path)))
  if (!file.startsWith(WEB_ROOT)) return false
  try {
    if (!(await stat(file)).isFile()) throw new Error('dir')
  } catch {
    file = join(WEB_ROOT, 'index.html')
  }
  const body = await readFile(file)
  const hashed = file.includes(`${join(WEB_ROOT, 'assets')}`)
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  res.end(body)
  return true
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost')
  const send = (status, body) => {
    if (status === 204 || body === undefined) return res.writeHead(status).end()
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  if (url.pathname === '/healthz') return send(200, { status: 'ok' })
  if (!url.pathname.startsWith('/api/v1/')) {
    if (await serveStatic(req, res, url.pathname)) return
    return send(404, { error: { code: 'not_found', message: 'not found' } })
  }
  const path = url.pathname.slice('/api/v1'.length)
  try {
    let raw = ''
    for await (const chunk of req) raw += chunk
    let body = {}
    if (raw) {
      try {
        body = JSON.parse(raw)
      } catch {
        fail(400, 'invalid_json', 'invalid JSON')
      }
    }
    const match = routes
      .map((r) => ({ r, m: r.method === req.method && path.match(r.pattern) }))
      .find((x) => x.m)
    if (!match) notFound()
    const cookie = /guanxi_session=([a-f0-9]+)/.exec(req.headers.cookie ?? '')?.[1]
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const token = cookie ?? bearer
    const user = db.users.find((u) => u.id === db.sessions.get(token) && u.active)
    if (!match.r.public && !user) fail(401, 'unauthenticated', 'not logged in')
    const [status, answer] = await match.r.handler({
      user,
      token,
      body,
      query: url.searchParams,
      params: match.m.groups ?? {},
      res,
    })
    send(status, answer)
  } catch (error) {
    if (error instanceof HttpError)
      send(error.status, {
        error: { code: error.code, message: error.message, details: error.details ?? {} },
      })
    else {
      console.error(error)
      send(500, { error: { code: 'internal', message: 'internal error', details: {} } })
    }
  }
})

seed(Number(args.customers ?? 60))
server.listen(PORT, '127.0.0.1', () => console.log(`mock guanxi API on http://127.0.0.1:${PORT}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
