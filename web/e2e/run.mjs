// End-to-end tests: Debian's Chromium (playwright-core, no downloaded browser) against the real
// server binary on a temporary SQLite database. Prints one line per test and "e2e: N passed, N failed";
// writes test-results/e2e.json and screenshots under test-results/screenshots/.
//   GUANXI_BIN=/path/to/guanxi node e2e/run.mjs      (default ../build/release/server/guanxi)
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { Api } from './api.mjs'
import { ADMIN_PASSWORD, DEFAULT_BIN, WEB_DIR, startServer } from './server.mjs'

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
const DESKTOP = { width: 1366, height: 800 }
const PHONE = { width: 375, height: 812 }
const RESULTS = join(WEB_DIR, 'test-results')
const SHOTS = join(RESULTS, 'screenshots')
const SALES_PASSWORD = 'sales12345'
const TIMEOUT = 15000

const tests = []
const test = (name, fn) => tests.push({ name, fn })
const profiles = []

// The console guard: a test fails when, while it runs, a page logs a console error or an uncaught
// exception, a request fails, or the server answers 500 or more. A test that provokes an error
// answer on purpose (a wrong password, a refused delete) allows it first with allowProblem().
const guard = { problems: [], allowed: [] }
// The app asks who is signed in when it starts (GET /me: the session is an HttpOnly cookie the
// page cannot read); a 401 there means "nobody yet", not a failure.
const ALWAYS_ALLOWED = [{ status: 401, path: /\/api\/v1\/me$/ }]
/**
 * Allows, for the current test only, an HTTP answer (`status`, and `path` a RegExp on the URL's
 * path, default any) or a console message matching `text` (a RegExp).
 */
function allowProblem(rule) {
  guard.allowed.push(rule)
}
function allowedProblem(problem) {
  return [...ALWAYS_ALLOWED, ...guard.allowed].some((rule) => {
    if (rule.text) return rule.text.test(problem.text)
    if (problem.status === undefined || rule.status !== problem.status) return false
    const path = problem.url ? new URL(problem.url).pathname : ''
    return !rule.path || rule.path.test(path)
  })
}
function watchPage(page) {
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const text = message.text()
    // Chromium logs every error answer as "Failed to load resource: … status of 404 (…)".
    const answer = /responded with a status of (\d{3})/.exec(text)
    guard.problems.push({
      text: `console: ${text} ${message.location().url ?? ''}`.trim(),
      status: answer ? Number(answer[1]) : undefined,
      url: answer ? message.location().url : undefined,
    })
  })
  page.on('pageerror', (error) => guard.problems.push({ text: `uncaught: ${String(error)}` }))
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? ''
    // Cancelled by the page itself (a newer search, leaving the page): not a failure.
    if (failure === 'net::ERR_ABORTED') return
    guard.problems.push({ text: `request failed: ${request.method()} ${request.url()} ${failure}` })
  })
  page.on('response', (response) => {
    if (response.status() < 500) return
    guard.problems.push({
      text: `answer ${response.status()}: ${response.request().method()} ${response.url()}`,
      status: response.status(),
      url: response.url(),
    })
  })
}
/** Throws when the test just run met a problem it did not allow. */
async function checkGuard() {
  // Events of the test's last moments arrive a little after it resolves.
  await new Promise((resolve) => setTimeout(resolve, 100))
  const problems = guard.problems.filter((problem) => !allowedProblem(problem))
  if (problems.length) {
    throw new Error(
      `the page reported ${problems.length} problem(s):\n${problems
        .map((p) => `      ${p.text}`)
        .join('\n')}`,
    )
  }
}

/** A browser with a fresh --user-data-dir (a person on their own machine). */
async function openBrowser(viewport = DESKTOP) {
  const dir = mkdtempSync(join(tmpdir(), 'guanxi-chromium-'))
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  context.setDefaultTimeout(TIMEOUT)
  // Every page of the profile is watched: the first, already open, and any opened later.
  context.on('page', watchPage)
  const first = context.pages()[0]
  if (first) watchPage(first)
  const page = first ?? (await context.newPage())
  const errors = []
  page.on('pageerror', (e) => errors.push(String(e)))
  const session = { context, page, dir, errors }
  profiles.push(session)
  return session
}
async function closeBrowser(session) {
  await session.context.close().catch(() => {})
  rmSync(session.dir, { recursive: true, force: true })
  profiles.splice(profiles.indexOf(session), 1)
}

function expect(condition, message) {
  if (!condition) throw new Error(message)
}

async function login(page, base, username, password) {
  await page.goto(`${base}/login`)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
}

async function shot(page, name) {
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false })
}

/** Picks a user in an Element Plus remote select inside `scope` by typing part of the name. */
async function pickUser(page, scope, name) {
  const select = scope.locator('.el-select').first()
  await select.click()
  await select.locator('input').fill(name)
  const option = page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: name })
    .first()
  await option.click()
}

/** Switches the language through the top bar's menu; retries while the menu is still animating. */
async function switchLanguage(page, code) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.getByTestId('language-switch').click()
    const item = page.getByTestId(`language-${code}`)
    await item.waitFor({ state: 'visible' })
    await page.waitForTimeout(250)
    await item.click()
    const ok = await page
      .waitForFunction((lang) => document.documentElement.lang === lang, code, { timeout: 3000 })
      .then(
        () => true,
        () => false,
      )
    if (ok) return
  }
  throw new Error(`could not switch the language to ${code}`)
}

async function searchCustomers(page, text) {
  const box = page.getByTestId('customer-search')
  await box.fill(text)
  await page.waitForURL((url) => url.searchParams.get('q') === text)
  await page.waitForLoadState('networkidle').catch(() => {})
  await page.locator('.meta-list[aria-busy="false"]').waitFor()
}

// ---------------------------------------------------------------------------------------------
const ctx = {}
const unique = Date.now().toString(36).slice(-5)
// Two characters no demo company name uses, so a 2-character search finds exactly ours.
const NAME_WORD = '翡鹭'
const CUSTOMER = `${NAME_WORD}${unique}智能装备有限公司`
const PHONE_NO = `1377${String(Date.now()).slice(-7)}`

test('set up departments, a sales role and two salespeople through the API', async () => {
  const api = new Api(ctx.server.base)
  await api.login('admin', ADMIN_PASSWORD)
  ctx.api = api
  const dept1 = await api.call('POST', '/departments', {
    name: `E2E一部${unique}`,
    parent_id: null,
  })
  const dept2 = await api.call('POST', '/departments', {
    name: `E2E二部${unique}`,
    parent_id: null,
  })
  const role = await api.call('POST', '/roles', {
    name: `e2e-sales-${unique}`,
    data_scope: 'self',
    permissions: ['customers.view', 'customers.create', 'customers.edit', 'customers.transfer'],
  })
  const mk = (username, display_name, department_id) =>
    api.call('POST', '/users', {
      username,
      display_name,
      department_id,
      role_id: role.id,
      password: SALES_PASSWORD,
      active: true,
    })
  ctx.salesA = await mk(`e2e.a.${unique}`, `测试甲${unique}`, dept1.id)
  ctx.salesB = await mk(`e2e.b.${unique}`, `测试乙${unique}`, dept2.id)
  expect(ctx.salesA.id && ctx.salesB.id, 'users were not created')
})

test('log in as the administrator', async () => {
  ctx.admin = await openBrowser()
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers`)
  await page.waitForURL(/\/login/)
  expect(
    new URL(page.url()).searchParams.get('redirect') === '/customers',
    'login should remember where the user was going',
  )
  await shot(page, 'login-desktop')
  allowProblem({ status: 401, path: /\/auth\/login$/ }) // the wrong password, on purpose
  await page.getByTestId('login-username').fill('admin')
  await page.getByTestId('login-password').fill('wrong-password')
  await page.getByTestId('login-submit').click()
  await page.getByTestId('login-error').waitFor()
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.waitForURL(/\/customers/)
  await page.locator('h1', { hasText: '客户' }).waitFor()
  await page.locator('.meta-list[aria-busy="false"]').waitFor()
  await shot(page, 'customers-desktop')
})

test('create a customer', async () => {
  const { page } = ctx.admin
  await page.getByTestId('customer-new').click()
  await page.waitForURL(/\/customers\/new/)
  const form = page.locator('.meta-form')
  await form.locator('[data-field="name"] input').fill(CUSTOMER)
  await form.locator('[data-field="phone"] input').fill(PHONE_NO)
  await form.locator('[data-field="region"] input').fill('上海')
  await form.locator('[data-field="category"] .el-select').click()
  await page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '有意向' })
    .click()
  await shot(page, 'customer-form-desktop')
  await page.getByTestId('customer-save').click()
  await page.waitForURL(/\/customers\/\d+$/)
  await page.getByTestId('customer-title').filter({ hasText: CUSTOMER }).waitFor()
  ctx.customerId = Number(new URL(page.url()).pathname.split('/').pop())
  expect(ctx.customerId > 0, 'no customer id in the address')
})

test('add a follow-up with the next-contact date', async () => {
  const { page } = ctx.admin
  await page.getByTestId('add-followup').click()
  const dialog = page.locator('.el-dialog:visible')
  await dialog.getByTestId('followup-content').fill('第一次电话沟通，客户希望下周看演示。')
  await dialog.locator('.el-date-editor input').nth(1).fill('2030-01-15 10:00')
  await dialog.locator('.el-date-editor input').nth(1).press('Enter')
  await dialog.getByTestId('followup-submit').click()
  await page.getByTestId('followup-timeline').filter({ hasText: '第一次电话沟通' }).waitFor()
  await shot(page, 'customer-detail-desktop')
})

test('a second customer with the same phone shows the duplicate warning', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers/new`)
  const form = page.locator('.meta-form')
  await form.locator('[data-field="name"] input').fill(`另一家${unique}公司`)
  await form.locator('[data-field="phone"] input').fill(PHONE_NO)
  const match = page.getByTestId('duplicate-match').filter({ hasText: CUSTOMER })
  await match.waitFor()
  expect(
    (await match.textContent()).includes('电话相同'),
    'the match should say the phone is the same',
  )
  await shot(page, 'customer-duplicate-desktop')
  await page.getByTestId('customer-save').click()
  // Saving is held until the person confirms; then the server is told to allow the duplicate.
  await page.getByTestId('save-anyway').click()
  await page.waitForURL(/\/customers\/\d+$/)
  await page
    .getByTestId('customer-title')
    .filter({ hasText: `另一家${unique}公司` })
    .waitFor()
})

test('search the customer by two Chinese characters', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers`)
  await searchCustomers(page, NAME_WORD)
  const rows = page.locator('.meta-table .el-table__body-wrapper tr')
  await rows.filter({ hasText: CUSTOMER }).first().waitFor()
  expect(
    (await rows.count()) === 1,
    `expected exactly one row for ${NAME_WORD}, got ${await rows.count()}`,
  )
})

test('transfer the customer to a salesperson', async () => {
  const { page } = ctx.admin
  const row = page.locator('.meta-table .el-table__body-wrapper tr', { hasText: CUSTOMER })
  await row.locator('.el-checkbox').click()
  await page.getByTestId('bulk-transfer').click()
  const dialog = page.locator('.el-dialog:visible')
  await pickUser(page, dialog, ctx.salesA.display_name)
  await shot(page, 'transfer-dialog-desktop')
  await dialog.getByTestId('transfer-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page
    .locator('.meta-table .el-table__body-wrapper tr', { hasText: CUSTOMER })
    .filter({ hasText: ctx.salesA.display_name })
    .waitFor()
  await page.goto(`${ctx.server.base}/customers/${ctx.customerId}`)
  await page.getByTestId('customer-owner').filter({ hasText: ctx.salesA.display_name }).waitFor()
  await page.getByRole('tab', { name: '归属历史' }).click()
  await page.getByTestId('ownership-history').filter({ hasText: ctx.salesA.display_name }).waitFor()
})

test('a salesperson of another department cannot find it', async () => {
  ctx.b = await openBrowser()
  const { page } = ctx.b
  await login(page, ctx.server.base, ctx.salesB.username, SALES_PASSWORD)
  await page.goto(`${ctx.server.base}/customers`)
  await searchCustomers(page, NAME_WORD)
  expect(
    (await page
      .locator('.meta-table .el-table__body-wrapper tr', { hasText: CUSTOMER })
      .count()) === 0,
    'B sees the customer in the list',
  )
  allowProblem({ status: 404, path: /^\/api\/v1\/customers\/\d+/ }) // not visible to B
  await page.goto(`${ctx.server.base}/customers/${ctx.customerId}`)
  await page.locator('.el-alert--error', { hasText: /不存在|无权/ }).waitFor()
  expect((await page.getByTestId('customer-title').count()) === 0, 'B sees the customer page')
  // The menu shows only what the role may use.
  expect(
    (await page.locator('.side-menu', { hasText: '系统管理' }).count()) === 0,
    'B sees the admin menu',
  )
})

test('claim race in the public pool: one wins, the other sees the conflict', async () => {
  const api = ctx.api
  const poolName = `${NAME_WORD}公海${unique}`
  const created = await api.call('POST', '/customers', {
    name: poolName,
    phone: `1366${String(Date.now()).slice(-7)}`,
  })
  await api.call('POST', `/customers/${created.id}/release`, { reason: 'e2e' })
  ctx.a = await openBrowser()
  await login(ctx.a.page, ctx.server.base, ctx.salesA.username, SALES_PASSWORD)
  // The customer list shows assigned customers; the pool's appear when the user asks for them.
  const a = ctx.a.page
  await a.goto(`${ctx.server.base}/customers?q=${encodeURIComponent(poolName)}`)
  await a.locator('.meta-list[aria-busy="false"]').waitFor()
  expect(
    (await a.locator('.meta-list', { hasText: poolName }).count()) === 0,
    'a pool customer is in the default customer list',
  )
  const shown = await a.getByTestId('customer-scope').textContent()
  expect(shown.includes('已分配的客户'), `the scope switch shows "${shown}"`)
  await a.getByTestId('customer-scope').click()
  await a
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '含公海客户' })
    .click()
  await a.locator('.meta-list', { hasText: poolName }).waitFor()
  const pages = [ctx.a.page, ctx.b.page]
  for (const page of pages) {
    await page.goto(`${ctx.server.base}/pool?q=${encodeURIComponent(poolName)}`)
    await page.getByTestId(`claim-${created.id}`).waitFor()
  }
  await shot(ctx.a.page, 'pool-desktop')
  allowProblem({ status: 409, path: /\/claim$/ }) // the loser of the race
  await Promise.all(pages.map((page) => page.getByTestId(`claim-${created.id}`).click()))
  // Both lists reload after the attempt: the customer has left the pool for everyone.
  for (const page of pages)
    await page.getByTestId(`claim-${created.id}`).waitFor({ state: 'detached' })
  const conflicts = await Promise.all(
    pages.map((page) => page.getByTestId('claim-conflict').count()),
  )
  expect(
    [...conflicts].sort().join() === '0,1',
    `expected exactly one conflict message, got ${conflicts}`,
  )
  const loser = pages.find((_page, i) => conflicts[i] === 1) ?? pages[0]
  const winner = loser === pages[0] ? ctx.salesB : ctx.salesA
  const after = await api.call('GET', `/customers/${created.id}`)
  expect(
    after.owner_id === winner.id,
    `owner should be the winner ${winner.id}, is ${after.owner_id}`,
  )
  const text = await loser.getByTestId('claim-conflict').textContent()
  expect(text.includes('已被其他人领取'), `conflict message not shown: ${text}`)
})

test('the column choice is remembered for the user', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers`)
  const header = page.locator('.meta-table .el-table__header')
  await header.filter({ hasText: '电话' }).waitFor()
  await page.getByTestId('column-chooser').click()
  const saved = page.waitForResponse(
    (r) => r.url().includes('/me/settings/') && r.request().method() === 'PUT',
  )
  await page.locator('.el-popover:visible .el-checkbox', { hasText: '电话' }).click()
  await saved
  await page.reload()
  await header.filter({ hasText: '客户类别' }).waitFor()
  expect(
    (await header.filter({ hasText: '电话' }).count()) === 0,
    'the hidden column came back after a reload',
  )
  await page.getByTestId('column-chooser').click()
  await page.locator('.el-popover:visible .el-checkbox', { hasText: '电话' }).click()
  await header.filter({ hasText: '电话' }).waitFor()
  await page.keyboard.press('Escape')
})

test('the language switch changes the labels', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers`)
  await page.locator('h1', { hasText: '客户' }).waitFor()
  await switchLanguage(page, 'en')
  await page.locator('h1', { hasText: 'Customers' }).waitFor()
  await page.locator('.el-table__header', { hasText: 'Category' }).waitFor()
  expect(
    (await page.locator('.side-menu', { hasText: 'Public pool' }).count()) === 1,
    'menu not in English',
  )
  await shot(page, 'customers-desktop-en')
  await page.reload()
  await page.locator('h1', { hasText: 'Customers' }).waitFor()
  await switchLanguage(page, 'zh-CN')
  await page.locator('h1', { hasText: '客户' }).waitFor()
})

test('at phone width the list renders as cards, without horizontal scrolling', async () => {
  const { page } = ctx.admin
  await page.setViewportSize(PHONE)
  await page.goto(`${ctx.server.base}/customers`)
  await page.locator('.meta-card').first().waitFor()
  expect((await page.locator('.meta-table').count()) === 0, 'a table is shown at phone width')
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  )
  expect(overflow <= 0, `the page scrolls horizontally by ${overflow}px`)
  await shot(page, 'customers-phone')
  await page.getByTestId('menu-toggle').click()
  await page.locator('.menu-drawer .side-menu').waitFor()
  await shot(page, 'menu-phone')
  await page.keyboard.press('Escape')
  await page.setViewportSize(DESKTOP)
})

test('screenshots of the main pages at desktop and phone width', async () => {
  const { page } = ctx.admin
  const pages = [
    ['customers', '/customers'],
    ['customer-detail', `/customers/${ctx.customerId}`],
    ['customer-form', '/customers/new'],
    ['pool', '/pool'],
    ['departments', '/admin/departments'],
    ['roles', '/admin/roles'],
    ['users', '/admin/users'],
    ['audit', '/admin/audit'],
    ['recycle-bin', '/customers/recycle-bin'],
    ['profile', '/profile'],
  ]
  const overflowing = []
  for (const [viewport, suffix] of [
    [DESKTOP, 'desktop'],
    [PHONE, 'phone'],
  ]) {
    await page.setViewportSize(viewport)
    for (const [name, path] of pages) {
      await page.goto(`${ctx.server.base}${path}`)
      await page.locator('.gx-page').first().waitFor()
      await shot(page, `${name}-${suffix}`)
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      )
      if (overflow > 0) overflowing.push(`${name}-${suffix} (${overflow}px)`)
    }
  }
  await page.setViewportSize(DESKTOP)
  const phone = await openBrowser(PHONE)
  await phone.page.goto(`${ctx.server.base}/login`)
  await shot(phone.page, 'login-phone')
  await closeBrowser(phone)
  expect(!overflowing.length, `horizontal scrolling on: ${overflowing.join(', ')}`)
})

test('the keyboard alone can log in and reach the customer search, with a visible focus ring', async () => {
  const session = await openBrowser()
  const { page } = session
  await page.goto(`${ctx.server.base}/login`)
  await page.getByTestId('login-username').focus()
  await page.keyboard.type(ctx.salesA.username)
  await page.keyboard.press('Tab')
  await page.keyboard.type(SALES_PASSWORD)
  await page.keyboard.press('Enter')
  // Login leads to the to-do page (#15); the customer search is a page on.
  await page.waitForURL(/\/todo/)
  await page.goto(`${ctx.server.base}/customers`)
  await page.locator('.meta-list[aria-busy="false"]').waitFor()
  // Tab from the top: the skip link comes first, then the controls; the search box is reachable.
  await page.locator('body').focus()
  let reached = false
  for (let i = 0; i < 25 && !reached; i++) {
    await page.keyboard.press('Tab')
    reached = await page.evaluate(
      () => document.activeElement?.getAttribute('data-testid') === 'customer-search',
    )
  }
  expect(reached, 'Tab never reached the customer search box')
  await page.keyboard.press('Shift+Tab')
  const outline = await page.evaluate(() => {
    const visible = (el) => {
      const style = getComputedStyle(el)
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      return ring || (style.boxShadow && style.boxShadow !== 'none')
    }
    const el = document.activeElement
    // Text inputs show focus as a 2px ring on their wrapper (styles/main.css).
    const wrapper = el.closest('.el-input__wrapper.is-focus, .el-select__wrapper.is-focused')
    return visible(el) || (wrapper ? getComputedStyle(wrapper).boxShadow.includes('2px') : false)
  })
  expect(outline, 'the focused control has no visible outline')
  await closeBrowser(session)
})

test('an expired session returns to login, then to the same page', async () => {
  const session = await openBrowser()
  const { page, context } = session
  await login(page, ctx.server.base, ctx.salesA.username, SALES_PASSWORD)
  await page.goto(`${ctx.server.base}/pool`)
  await page.locator('.meta-list[aria-busy="false"]').waitFor()
  await context.clearCookies()
  allowProblem({ status: 401 }) // whatever request first finds the session gone
  // The next request finds the session gone. Whichever request notices first (the search typed here
  // or a refresh of the page), the user lands on login and comes back to the pool.
  // A background request may notice first and navigate away while the search box is being filled; the
  // fill is then abandoned, and only the arrival on the login page counts.
  const redirected = page.waitForURL(/\/login\?/)
  await page
    .getByTestId('pool-search')
    .fill('翡鹭', { timeout: 5000 })
    .catch(() => 'abandoned')
  await redirected
  const url = new URL(page.url())
  expect(url.searchParams.get('expired') === '1', 'no expiry notice')
  expect(
    url.searchParams.get('redirect')?.startsWith('/pool'),
    `redirect is ${url.searchParams.get('redirect')}`,
  )
  await page.locator('.el-alert--warning', { hasText: '登录已过期' }).waitFor()
  await page.getByTestId('login-username').fill(ctx.salesA.username)
  await page.getByTestId('login-password').fill(SALES_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.waitForURL(/\/pool/)
  await closeBrowser(session)
})

test('administration: add and move a department, hand over all customers of a user', async () => {
  const { page } = ctx.admin
  const api = ctx.api
  const name = `E2E三部${unique}`
  await page.goto(`${ctx.server.base}/admin/departments`)
  await page.getByTestId('department-add').click()
  let dialog = page.locator('.el-dialog:visible')
  await dialog.getByTestId('department-name').fill(name)
  await dialog.getByTestId('department-save').click()
  await dialog.waitFor({ state: 'hidden' })
  const node = page.locator('.dept-node', { hasText: name })
  await node.waitFor()
  await node.getByRole('button', { name: '移动' }).click()
  dialog = page.locator('.el-dialog:visible')
  await dialog.locator('.el-select').click()
  await page
    .locator('.el-select-dropdown:visible .el-tree-node__content', { hasText: `E2E一部${unique}` })
    .click()
  await dialog.getByTestId('department-save').click()
  await dialog.waitFor({ state: 'hidden' })
  const departments = api.items(await api.call('GET', '/departments'))
  const moved = departments.find((d) => d.name === name)
  const parent = departments.find((d) => d.name === `E2E一部${unique}`)
  expect(
    moved && parent && moved.parent_id === parent.id,
    `department not moved: ${JSON.stringify(moved)}`,
  )
  await shot(page, 'departments-desktop')

  // Deleting the (empty) moved department is done at once; the toast's undo brings it back.
  await node.getByTestId('department-delete').click()
  await node.waitFor({ state: 'detached' })
  await page.getByTestId('record-undo').click()
  await node.waitFor()
  const restored = api.items(await api.call('GET', '/departments')).find((d) => d.name === name)
  expect(restored && !restored.deleted_at, 'the undo did not bring the department back')
  // Its parent still has a salesperson and this sub-department: refused, saying what is in it.
  allowProblem({ status: 409, path: /^\/api\/v1\/departments\/\d+$/ })
  await page
    .locator('.dept-node', { hasText: `E2E一部${unique}` })
    .getByTestId('department-delete')
    .click()
  await page
    .locator('.el-message--error', { hasText: /还有 1 名用户和 1 个下级部门，请先移走/ })
    .waitFor()
  expect(
    api.items(await api.call('GET', '/departments')).some((d) => d.id === parent.id),
    'the refused department is gone',
  )

  await page.goto(`${ctx.server.base}/admin/users?q=${encodeURIComponent(ctx.salesA.username)}`)
  const row = page.locator('.meta-table .el-table__body-wrapper tr', {
    hasText: ctx.salesA.username,
  })
  await row.waitFor()
  await row.locator('.more').click()
  await page
    .locator('.el-dropdown-menu:visible .el-dropdown-menu__item', { hasText: '交接客户' })
    .click()
  dialog = page.locator('.el-dialog:visible')
  await pickUser(page, dialog, ctx.salesB.display_name)
  await dialog.getByRole('button', { name: '交接客户' }).click()
  await page.locator('.el-message--success', { hasText: '已交接' }).waitFor()
  const customer = await api.call('GET', `/customers/${ctx.customerId}`)
  expect(customer.owner_id === ctx.salesB.id, `customer owner is ${customer.owner_id}, not B`)
})

test('delete a customer to the recycle bin and restore it', async () => {
  const { page } = ctx.admin
  const api = ctx.api
  const name = `回收测试${unique}有限公司`
  const created = await api.call('POST', '/customers', {
    name,
    phone: `1355${String(Date.now()).slice(-7)}`,
  })
  await page.goto(`${ctx.server.base}/customers/${created.id}`)
  await page.getByTestId('customer-title').filter({ hasText: name }).waitFor()
  await page.getByTestId('customer-delete').click()
  await page.locator('.el-message-box:visible').getByRole('button', { name: '删除' }).click()
  await page.waitForURL(/\/customers(\?|$)/)
  await page.goto(`${ctx.server.base}/customers/recycle-bin`)
  const row = page.locator('.meta-table .el-table__body-wrapper tr', { hasText: name })
  await row.getByRole('button', { name: '恢复' }).click()
  await row.waitFor({ state: 'detached' })
  const restored = await api.call('GET', `/customers/${created.id}`)
  expect(restored.name === name, 'the customer did not come back')
})

test('mailings on a customer: record, the duplicate warning, record anyway, delete and undo', async () => {
  const { page } = ctx.admin
  const api = ctx.api
  const created = await api.call('POST', '/customers', {
    name: `邮寄测试${unique}有限公司`,
    phone: `1366${String(Date.now()).slice(-7)}`,
  })
  await page.goto(`${ctx.server.base}/customers/${created.id}`)
  await page.getByTestId('customer-title').waitFor()
  await page.locator('.el-tabs__item', { hasText: '邮寄记录' }).click()
  const panel = page.getByTestId('records-mailings')
  await panel.locator('.meta-list[aria-busy="false"]').waitFor()
  const item = `样品册${unique}`
  const rows = panel.locator('.el-table__body-wrapper tr', { hasText: item })

  async function record() {
    await panel.getByTestId('record-new').click()
    const dialog = page.locator('.el-dialog:visible')
    await dialog.locator('[data-field="item"] input').fill(item)
    await dialog.locator('[data-field="carrier"] input').fill('顺丰速运')
    const date = dialog.locator('[data-field="sent_on"] input')
    await date.fill('2026-12-01')
    await date.press('Enter')
    await dialog.getByTestId('record-save').click()
    return dialog
  }
  let dialog = await record()
  await rows.first().waitFor()
  await dialog.waitFor({ state: 'hidden' })

  // The same item again: the earlier mailing is shown, and nothing is saved until asked.
  allowProblem({ status: 409, path: /\/mailings$/ })
  dialog = await record()
  const warning = dialog.getByTestId('record-override')
  await warning.waitFor()
  const match = await warning.getByTestId('record-override-match').innerText()
  expect(match.includes(item) && match.includes('2026/12/01'), `the warning shows: ${match}`)
  expect((await rows.count()) === 1, 'the duplicate was saved before "record anyway"')
  await dialog.getByTestId('record-save-anyway').click()
  await dialog.waitFor({ state: 'hidden' })
  await rows.nth(1).waitFor()
  let answer = await api.call('GET', `/customers/${created.id}/mailings`)
  expect(answer.total === 2, `the customer has ${answer.total} mailings, not 2`)
  await shot(page, 'customer-mailings-desktop')

  // A record opens read-only from its title, with the fields the list leaves out.
  await rows.first().getByTestId('meta-open').click()
  const detail = page.locator('.record-detail:visible')
  await detail.locator('.meta-detail', { hasText: '顺丰速运' }).waitFor()
  expect((await detail.innerText()).includes('备注'), 'the detail lacks the note field')
  await shot(page, 'customer-mailing-detail-desktop')
  await page.keyboard.press('Escape')
  await detail.waitFor({ state: 'hidden' })

  // Delete one: it goes; the toast's undo brings it back.
  await rows.first().getByTestId('record-delete').click()
  await rows.nth(1).waitFor({ state: 'detached' })
  await page.getByTestId('record-undo').click()
  await rows.nth(1).waitFor()
  answer = await api.call('GET', `/customers/${created.id}/mailings`)
  expect(answer.total === 2, `after undo the customer has ${answer.total} mailings, not 2`)
})

test('import a CSV with one bad row: the summary counts it and offers the error report', async () => {
  const { page } = ctx.admin
  const dir = mkdtempSync(join(tmpdir(), 'guanxi-import-'))
  const file = join(dir, '客户导入.csv')
  const word = '翠鸾'
  writeFileSync(
    file,
    '\ufeff客户名称,电话,邮箱,地区\r\n' +
      `${word}${unique}甲有限公司,1366${String(Date.now()).slice(-7)},,华东\r\n` +
      `"${word}${unique}乙有限公司, 分部",,not-an-email,华南\r\n` +
      `${word}${unique}丙有限公司,,bing${unique}@example.com,华北\r\n`,
  )
  await page.goto(`${ctx.server.base}/customers`)
  await page.getByTestId('customer-import').click()
  const dialog = page.locator('.el-dialog:visible')
  await dialog.getByTestId('import-start').waitFor()
  await page.getByTestId('import-file').setInputFiles(file)
  await dialog.getByTestId('import-file-name').filter({ hasText: '客户导入.csv' }).waitFor()
  await shot(page, 'import-dialog-desktop')
  await dialog.getByTestId('import-start').click()
  const summary = dialog.getByTestId('import-summary')
  await summary.waitFor({ timeout: 30000 })
  const created = await dialog.getByTestId('import-created').locator('dd').textContent()
  const failed = await dialog.getByTestId('import-failed').locator('dd').textContent()
  expect(created?.trim() === '2', `created ${created}`)
  expect(failed?.trim() === '1', `failed ${failed}`)
  await shot(page, 'import-summary-desktop')
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('import-report').click(),
  ])
  expect(/errors\.csv$/.test(download.suggestedFilename()), 'the report is not a CSV')
  const report = await download.path().then((p) => (p ? readFileSync(p, 'utf8') : ''))
  // Written in the UI's language (Chinese here): its own columns, the status and the reason.
  expect(/^\ufeff?行号,结果,字段,原因/.test(report), `report header: ${report.slice(0, 80)}`)
  expect(report.includes('3,失败,email,邮箱：不是有效的邮箱地址'), `report rows: ${report}`)
  await dialog.getByTestId('import-close').click()
  await searchCustomers(page, word)
  const rows = await page.locator('.meta-table .el-table__body-wrapper tr').count()
  expect(rows === 2, `the search for the imported customers shows ${rows} rows`)

  // The dialog at phone width: no horizontal scrolling.
  await page.setViewportSize(PHONE)
  await page.getByTestId('customer-import').click()
  await page.locator('.el-dialog:visible').getByTestId('import-start').waitFor()
  await shot(page, 'import-dialog-phone')
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  )
  expect(overflow <= 0, `the import dialog scrolls horizontally by ${overflow}px`)
  await page.keyboard.press('Escape')
  await page.setViewportSize(DESKTOP)
  rmSync(dir, { recursive: true, force: true })
})

test('the server serves the UI with the right caching and falls back to index.html', async () => {
  const base = ctx.server.base
  const index = await fetch(`${base}/customers/123`)
  const html = await index.text()
  expect(
    index.ok && html.includes('<div id="app">'),
    'a client route does not answer with index.html',
  )
  const cache = index.headers.get('cache-control') ?? ''
  expect(/no-cache|no-store|max-age=0/.test(cache), `index.html is cached: "${cache}"`)
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
  expect(asset, 'no script in index.html')
  const js = await fetch(`${base}${asset}`)
  const assetCache = js.headers.get('cache-control') ?? ''
  expect(
    js.ok && /max-age=\d{6,}/.test(assetCache),
    `hashed asset not cached long: "${assetCache}"`,
  )
  expect(
    (js.headers.get('content-type') ?? '').includes('javascript'),
    'wrong content type for a script',
  )
  const missing = await fetch(`${base}/api/v1/no-such-route`)
  expect(
    missing.status === 404 || missing.status === 401,
    `unknown API path answered ${missing.status}`,
  )
})

test('no uncaught errors in the pages', async () => {
  const errors = [ctx.admin, ctx.a, ctx.b].filter(Boolean).flatMap((s) => s.errors)
  expect(!errors.length, `page errors:\n${errors.join('\n')}`)
})

// #14 list
const WIDE = { width: 1440, height: 900 }
const LAPTOP = { width: 1366, height: 768 }

/** Visible interactive elements under `root` smaller than 44 × 44 px: "what (w×h)". */
async function smallTargets(page, root) {
  return page.evaluate((selector) => {
    const small = []
    const targets = document.querySelectorAll(
      selector
        .split(',')
        .map((scope) =>
          [
            'a[href]',
            'button',
            '.el-select__wrapper',
            '.el-input__wrapper',
            '.el-checkbox',
            '.el-pager li',
            '[role="button"]',
          ]
            .map((what) => `${scope.trim()} ${what}`)
            .join(','),
        )
        .join(','),
    )
    for (const el of targets) {
      const box = el.getBoundingClientRect()
      const style = getComputedStyle(el)
      if (!box.width || !box.height || style.visibility === 'hidden') continue
      // Inside a control already measured (a select's inner input, a checkbox's box).
      if (el.parentElement?.closest('button, a[href], .el-select__wrapper, .el-checkbox')) continue
      if (box.width < 44 || box.height < 44) {
        const name = (el.getAttribute('aria-label') || el.textContent || el.className).trim()
        small.push(`${name.slice(0, 30)} (${Math.round(box.width)}×${Math.round(box.height)})`)
      }
    }
    return small
  }, root)
}

test('the customer list at 1440 and 1366 px: next contact first, overdue marked, no sideways scroll', async () => {
  const session = await openBrowser(WIDE)
  const { page } = session
  await login(page, ctx.server.base, 'admin', ADMIN_PASSWORD)
  for (const [lang, overdue, next, last] of [
    ['zh-CN', '逾期', '下次联系', '最近联系'],
    ['en', 'Overdue', 'Next contact', 'Last contact'],
  ]) {
    if (lang === 'en') await switchLanguage(page, 'en')
    // A 1366×768 laptop too: the default columns fit there as well (#14, the last leftovers).
    for (const viewport of [WIDE, LAPTOP]) {
      await page.setViewportSize(viewport)
      await page.goto(`${ctx.server.base}/customers`)
      await page.locator('.meta-list[aria-busy="false"] .el-table__row').first().waitFor()
      // The day's work first: by next contact, soonest (overdue) first, none last.
      const dates = await page.$$eval('.el-table__body .el-table__row', (rows) =>
        rows.map((row) => row.querySelector('.next-contact')?.getAttribute('data-due') ?? 'none'),
      )
      expect(dates[0] === 'overdue', `the first row is ${dates[0]}, not overdue`)
      const rank = { overdue: 0, today: 1, later: 2, none: 3 }
      expect(
        dates.every((d, i) => i === 0 || rank[dates[i - 1]] <= rank[d]),
        `rows not in next-contact order: ${dates.join(' ')}`,
      )
      const marked = page.locator('.el-table__body .next-contact.is-overdue').first()
      expect(
        (await marked.innerText()).includes(overdue) &&
          (await marked.locator('.el-icon').count()) === 1,
        `an overdue next contact is not marked "${overdue}" with an icon`,
      )
      // The usual columns and the actions fit: no sideways scroll, every header within the screen.
      const fit = await page.evaluate(() => {
        const wrap = document.querySelector('.meta-table .el-scrollbar__wrap')
        const panel = document.querySelector('.list-panel-body')
        const headers = [...document.querySelectorAll('.meta-table .el-table__header th')]
        return {
          table: wrap.scrollWidth - wrap.clientWidth,
          panel: panel.scrollWidth - panel.clientWidth,
          page: document.documentElement.scrollWidth - window.innerWidth,
          outside: headers
            .filter((th) => th.getBoundingClientRect().right > window.innerWidth)
            .map((th) => th.textContent),
          cut: headers
            .map((th) => th.querySelector('.cell'))
            .filter((cell) => cell && cell.scrollWidth > cell.clientWidth + 1)
            .map((cell) => cell.textContent),
          names: headers.map((th) => th.textContent.trim()),
        }
      })
      expect(
        fit.table <= 0 && fit.panel <= 0 && fit.page <= 0,
        `sideways scroll at ${viewport.width} px (${lang}): ${JSON.stringify(fit)}`,
      )
      expect(
        !fit.outside.length && !fit.cut.length,
        `headers off-screen or cut: ${JSON.stringify(fit)}`,
      )
      expect(
        fit.names.includes(next) && fit.names.includes(last),
        `the columns are ${fit.names.join(', ')}`,
      )
      await shot(page, `list-${viewport.width}-${lang}`)
    }
  }
  await switchLanguage(page, 'zh-CN')
  await closeBrowser(session)
})

test('"due today" is one click away, and the chosen sort is kept', async () => {
  const { page } = ctx.admin
  const api = ctx.api
  await page.goto(`${ctx.server.base}/customers`)
  await page.locator('.meta-list[aria-busy="false"] .el-table__row').first().waitFor()
  await page.getByTestId('due-today').click()
  await page.waitForURL((url) => url.searchParams.get('due') === 'today')
  await page.locator('.meta-list[aria-busy="false"]').waitFor()
  await page.waitForLoadState('networkidle').catch(() => {})
  const end = new Date()
  end.setHours(24, 0, 0, 0)
  const due = await api.call(
    'GET',
    `/customers?page_size=1&next_contact_before=${end.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
  )
  const states = await page.$$eval('.el-table__body .el-table__row', (rows) =>
    rows.map((row) => row.querySelector('.next-contact')?.getAttribute('data-due') ?? 'none'),
  )
  expect(
    states.length === Math.min(due.total, 20) &&
      states.every((s) => s === 'overdue' || s === 'today'),
    `due today shows ${states.join(' ')} (the server counts ${due.total})`,
  )
  expect(
    (await page.getByTestId('due-today').getAttribute('aria-pressed')) === 'true',
    'the due-today button does not show it is on',
  )
  await page.getByTestId('due-today').click()
  await page.waitForURL((url) => !url.searchParams.has('due'))

  // Another sort, chosen by a header, holds after leaving the list and coming back by the menu.
  await page.locator('.el-table__header th', { hasText: '客户名称' }).locator('.ascending').click()
  await page.waitForURL((url) => url.searchParams.get('sort') === 'name')
  await page.goto(`${ctx.server.base}/pool`)
  await page.locator('.side-menu .el-menu-item', { hasText: '客户' }).first().click()
  await page.waitForURL(
    (url) => url.pathname === '/customers' && url.searchParams.get('sort') === 'name',
  )
  await api.call('PUT', '/me/settings/customers.list.sort', 'next_contact_at')
})

test('export: the filtered list as XLSX or CSV, only for those allowed', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers`)
  await searchCustomers(page, NAME_WORD)
  const [xlsx] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await page.getByTestId('customer-export-button').click()
      await page.getByTestId('customer-export-xlsx').click()
    })(),
  ])
  expect(/\.xlsx$/.test(xlsx.suggestedFilename()), `the file is ${xlsx.suggestedFilename()}`)
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await page.getByTestId('customer-export-button').click()
      await page.getByTestId('customer-export-csv').click()
    })(),
  ])
  const text = await csv.path().then((p) => (p ? readFileSync(p, 'utf8') : ''))
  const lines = text.trim().split(/\r?\n/)
  const shown = await page.locator('.el-table__body .el-table__row').count()
  expect(
    lines.length - 1 === shown && lines.slice(1).every((line) => line.includes(NAME_WORD)),
    `the CSV has ${lines.length - 1} rows for ${shown} shown:\n${text.slice(0, 400)}`,
  )
  // Headed in the UI's language (Chinese here), as the import reads it back.
  expect(/(^|,)名称(,|$)/.test(lines[0]), `the CSV header: ${lines[0]}`)
  // A salesperson's role here has no customers.export: no button.
  const a = ctx.a.page
  await a.goto(`${ctx.server.base}/customers`)
  await a.locator('.meta-list[aria-busy="false"]').waitFor()
  expect(
    (await a.getByTestId('customer-export').count()) === 0,
    'the export shows without the permission',
  )
})

test('phone: 44 px targets, at least 4 dense cards, a filter sheet with Apply and Close', async () => {
  const session = await openBrowser(PHONE)
  const { page } = session
  await login(page, ctx.server.base, 'admin', ADMIN_PASSWORD)
  for (const lang of ['zh-CN', 'en']) {
    if (lang === 'en') await switchLanguage(page, 'en')
    await page.goto(`${ctx.server.base}/customers`)
    await page.locator('.meta-list[aria-busy="false"] .meta-card').first().waitFor()
    await page.waitForLoadState('networkidle').catch(() => {})
    const small = await smallTargets(page, '.topbar, .gx-page-head, .list-panel')
    expect(!small.length, `tap targets under 44 px (${lang}): ${small.join('; ')}`)
    // The cards: name, category, next contact and a call button; four or more to a screen.
    const cards = await page.evaluate(() => {
      const header = document.querySelector('.topbar').getBoundingClientRect().height
      const list = [...document.querySelectorAll('.meta-card')]
      window.scrollTo(0, list[0].getBoundingClientRect().top + window.scrollY - header)
      const inView = list.filter((card) => {
        const box = card.getBoundingClientRect()
        return box.top >= header - 1 && box.bottom <= window.innerHeight + 1
      }).length
      return {
        inView,
        calls: document.querySelectorAll('.meta-card a[href^="tel:"]').length,
        withNext: list.filter((c) => c.querySelector('.next-contact, .next-contact-none')).length,
        withCategory: list.filter((c) => c.querySelector('.el-tag')).length,
        total: list.length,
      }
    })
    expect(cards.inView >= 4, `only ${cards.inView} cards to a phone screen`)
    expect(
      cards.calls > 0 && cards.withNext === cards.total && cards.withCategory === cards.total,
      `cards lack a call, a next contact or a category: ${JSON.stringify(cards)}`,
    )
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, `list-phone-${lang}`)
  }
  await switchLanguage(page, 'zh-CN')
  // The menu's entries are 44 px too.
  await page.getByTestId('menu-toggle').click()
  await page.locator('.menu-drawer .side-menu').waitFor()
  await page.waitForTimeout(400)
  const menuSmall = await smallTargets(page, '.menu-drawer')
  const items = await page.$$eval(
    '.menu-drawer .el-menu-item, .menu-drawer .el-sub-menu__title',
    (els) => els.filter((el) => el.getBoundingClientRect().height < 44).map((el) => el.textContent),
  )
  expect(
    !menuSmall.length && !items.length,
    `menu targets under 44 px: ${[...menuSmall, ...items]}`,
  )
  await page.keyboard.press('Escape')
  await page.locator('.menu-drawer').waitFor({ state: 'hidden' })

  // Filters: a sheet over the list that changes nothing until Apply; Close leaves it as it was.
  const before = page.url()
  await page.getByTestId('filter-toggle').click()
  const sheet = page.locator('.filter-sheet')
  await sheet.getByTestId('filter-apply').waitFor()
  await shot(page, 'list-phone-filters')
  const small = await smallTargets(page, '.filter-sheet')
  expect(!small.length, `filter sheet targets under 44 px: ${small.join('; ')}`)
  await sheet.locator('.el-form-item', { hasText: '客户类别' }).locator('.el-select').click()
  await page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '潜在' })
    .click()
  await page.waitForTimeout(300)
  expect(page.url() === before, 'the filter applied before Apply')
  await sheet.getByTestId('filter-close').click()
  await sheet.waitFor({ state: 'hidden' })
  expect(page.url() === before, 'Close applied the filter')
  await page.getByTestId('filter-toggle').click()
  await sheet.locator('.el-form-item', { hasText: '客户类别' }).locator('.el-select').click()
  await page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '潜在' })
    .click()
  await sheet.getByTestId('filter-apply').click()
  await sheet.waitFor({ state: 'hidden' })
  await page.waitForURL((url) => url.searchParams.get('category') === 'potential')
  await page.locator('.meta-list[aria-busy="false"] .meta-card').first().waitFor()
  const tags = await page.$$eval('.meta-card .el-tag', (els) =>
    els.map((el) => el.textContent.trim()),
  )
  expect(tags.length && tags.every((tag) => tag === '潜在'), `after Apply the cards show ${tags}`)
  await closeBrowser(session)
})

test('the console guard sees a console error, a failed request and a 500', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers`)
  await page.locator('.meta-list[aria-busy="false"] .el-table__row').first().waitFor()
  // The table rendered with no problem (it logged "Missing required param" before #14).
  expect(!guard.problems.length, `problems: ${guard.problems.map((p) => p.text)}`)
  await page.route('**/api/v1/e2e-probe/*', (route) =>
    route.request().url().endsWith('/fail')
      ? route.abort('failed')
      : route.fulfill({ status: 500, body: '' }),
  )
  await page.evaluate(async () => {
    console.error('e2e guard probe')
    await fetch('/api/v1/e2e-probe/fail').catch(() => {})
    await fetch('/api/v1/e2e-probe/500').catch(() => {})
  })
  await page.waitForTimeout(200)
  await page.unroute('**/api/v1/e2e-probe/*')
  const seen = guard.problems.map((p) => p.text).join('\n')
  expect(
    /e2e guard probe/.test(seen) &&
      /request failed: GET \S+\/e2e-probe\/fail/.test(seen) &&
      /answer 500: GET \S+\/e2e-probe\/500/.test(seen),
    `the guard saw: ${seen}`,
  )
  guard.problems = []
})

// ---------------------------------------------------------------------------------------------
// #14 forms
/** Shows the page in `code` (the saved choice the app starts with) and waits for it. */
async function useLanguage(page, code) {
  await page.evaluate((c) => localStorage.setItem('guanxi.locale', c), code)
  await page.reload()
  await page.waitForFunction((lang) => document.documentElement.lang === lang, code)
}

test('a salesperson on a pool customer is offered claim, and after claiming, edit and follow-up', async () => {
  const api = ctx.api
  const name = `${NAME_WORD}公海动作${unique}`
  const created = await api.call('POST', '/customers', { name, owner_id: null })
  const who = await openBrowser()
  const { page } = who
  await login(page, ctx.server.base, ctx.salesA.username, SALES_PASSWORD)
  const path = `${ctx.server.base}/customers/${created.id}`
  for (const [code, claimText] of [
    ['zh-CN', '领取'],
    ['en', 'Claim'],
  ]) {
    await page.goto(path)
    await useLanguage(page, code)
    const claim = page.getByTestId('customer-claim')
    await claim.waitFor()
    const text = (await claim.textContent()).trim()
    expect(text === claimText, `the claim button says "${text}" in ${code}`)
    expect(
      (await page.getByTestId('add-followup').count()) === 0,
      'a pool customer offers a follow-up',
    )
    expect((await page.getByTestId('customer-edit').count()) === 0, 'a pool customer offers edit')
    await page.setViewportSize(WIDE)
    await shot(page, `forms-pool-customer-desktop-${code}`)
    await page.setViewportSize(PHONE)
    await shot(page, `forms-pool-customer-phone-${code}`)
    await page.setViewportSize(DESKTOP)
  }
  await useLanguage(page, 'zh-CN')
  await page.getByTestId('customer-claim').click()
  await page.getByTestId('add-followup').waitFor()
  await page.getByTestId('customer-edit').waitFor()
  expect((await page.getByTestId('customer-claim').count()) === 0, 'claim is still offered')
  const owner = (await page.getByTestId('customer-owner').textContent()).trim()
  expect(owner.includes(ctx.salesA.display_name), `the owner shows "${owner}"`)
  await closeBrowser(who)
})

test('at 375 px the duplicate warning stays by the name while the e-mail is half-typed', async () => {
  const who = await openBrowser(PHONE)
  const { page } = who
  await login(page, ctx.server.base, 'admin', ADMIN_PASSWORD)
  for (const [code, title] of [
    ['zh-CN', '发现可能重复'],
    ['en', 'Possible duplicates'],
  ]) {
    await page.goto(`${ctx.server.base}/customers/new`)
    await useLanguage(page, code)
    const form = page.locator('.meta-form')
    await form.locator('[data-field="email"] input').fill('sales@')
    const name = form.locator('[data-field="name"] input')
    await name.fill(CUSTOMER)
    const warning = form.locator('[data-field="name"] [data-testid="duplicates"] .el-alert')
    await warning.waitFor()
    const shown = await warning.textContent()
    expect(shown.includes(title), `the warning says "${shown}" in ${code}`)
    expect(shown.includes(CUSTOMER), 'the match is not named')
    // Still in view, beside the name, while typing goes on.
    await name.press('End')
    const box = await warning.boundingBox()
    expect(box && box.y >= 0 && box.y + 40 <= PHONE.height, `the warning is out of view: ${box?.y}`)
    await shot(page, `forms-duplicate-phone-${code}`)
  }
  await closeBrowser(who)
})

test('a pasted 205-character name is kept, counted and refused by name, not cut to 200', async () => {
  const { page } = ctx.admin
  await page.goto(`${ctx.server.base}/customers/new`)
  await useLanguage(page, 'zh-CN')
  const form = page.locator('.meta-form')
  const long = '蓝'.repeat(205)
  const input = form.locator('[data-field="name"] input')
  await input.fill(long)
  const kept = await input.inputValue()
  expect(kept.length === 205, `the input holds ${kept.length} characters`)
  const count = await form.locator('[data-field="name"] [data-testid="char-count"]').textContent()
  expect(
    count.includes('205 / 200') && count.includes('超出 5 个字符'),
    `the count says "${count}"`,
  )
  await page.getByTestId('customer-save').click()
  const error = form.locator('[data-field="name"] .el-form-item__error')
  await error.waitFor()
  expect((await error.textContent()).includes('200'), 'the limit is not named')
  expect(new URL(page.url()).pathname.endsWith('/new'), 'saved anyway')
  await useLanguage(page, 'en')
  await input.fill(long)
  const en = await form.locator('[data-field="name"] [data-testid="char-count"]').textContent()
  expect(en.includes('205 / 200') && en.includes('5 over the limit'), `the count says "${en}"`)
  await useLanguage(page, 'zh-CN')
})

test('the next-contact picker takes today or later and says why', async () => {
  const { page } = ctx.admin
  for (const [code, hint] of [
    ['zh-CN', '下次联系不能安排在过去'],
    ['en', 'never planned in the past'],
  ]) {
    await page.goto(`${ctx.server.base}/customers/new`)
    await useLanguage(page, code)
    const field = page.locator('.meta-form [data-field="next_contact_at"]')
    const text = await field.getByTestId('not-before-today').textContent()
    expect(text.includes(hint), `the hint says "${text}" in ${code}`)
    await field.locator('input').click()
    const panel = page.locator('.el-picker-panel:visible')
    await panel.waitFor()
    if (new Date().getDate() > 1) {
      const disabled = await panel.locator('.el-date-table td.disabled').count()
      expect(disabled > 0, 'no day before today is disabled')
    }
    const today = panel.locator('.el-date-table td.today')
    expect(!(await today.getAttribute('class')).includes('disabled'), 'today is disabled')
    await page.keyboard.press('Escape')
  }
  await useLanguage(page, 'zh-CN')
})

test('profile: change one’s name and password; the other session ends, this one stays', async () => {
  const api = ctx.api
  const username = `e2e.p.${unique}`
  const user = await api.call('POST', '/users', {
    username,
    display_name: `资料${unique}`,
    department_id: ctx.salesA.department_id,
    role_id: ctx.salesA.role_id,
    password: SALES_PASSWORD,
    active: true,
  })
  const other = new Api(ctx.server.base)
  await other.login(username, SALES_PASSWORD)
  const who = await openBrowser()
  const { page } = who
  await login(page, ctx.server.base, username, SALES_PASSWORD)
  await page.goto(`${ctx.server.base}/profile`)
  for (const code of ['en', 'zh-CN']) {
    await useLanguage(page, code)
    await page.getByTestId('profile-display-name').waitFor()
    await page.setViewportSize(WIDE)
    await shot(page, `forms-profile-desktop-${code}`)
    await page.setViewportSize(PHONE)
    await shot(page, `forms-profile-phone-${code}`)
    await page.setViewportSize(DESKTOP)
  }
  await page.getByTestId('profile-display-name').fill(`新名字${unique}`)
  await page.getByTestId('profile-save').click()
  await page.locator('.el-message', { hasText: '资料已保存' }).waitFor()
  const me = await other.call('GET', '/me')
  expect(me.display_name === `新名字${unique}`, `the name is "${me.display_name}"`)
  expect(user.id === me.id, 'another user')
  // A wrong current password is refused (422 naming it): on purpose.
  allowProblem({ status: 422, path: /\/me\/password$/ })
  await page.getByTestId('password-current').fill('not-my-password')
  await page.getByTestId('password-new').fill('Kx9-lantern-204')
  await page.getByTestId('password-again').fill('Kx9-lantern-204')
  await page.getByTestId('password-save').click()
  await page.locator('.el-form-item__error', { hasText: '当前密码不正确' }).waitFor()
  await page.getByTestId('password-current').fill(SALES_PASSWORD)
  await page.getByTestId('password-save').click()
  await page.locator('.el-message', { hasText: '密码已修改' }).waitFor()
  const ended = await other.call('GET', '/me').then(
    () => 'still open',
    (e) => e.status,
  )
  expect(ended === 401, `the other session answered ${ended}`)
  await page.reload()
  await page.getByTestId('profile-display-name').waitFor()
  expect(new URL(page.url()).pathname === '/profile', 'this session ended too')
  await closeBrowser(who)
})

// #14 texts
/** A browser at `viewport` with the UI in `locale`, logged in as the administrator. */
async function adminIn(viewport, locale) {
  const session = await openBrowser(viewport)
  await session.page.addInitScript((code) => localStorage.setItem('guanxi.locale', code), locale)
  await login(session.page, ctx.server.base, 'admin', ADMIN_PASSWORD)
  return session
}

test("the server's field messages follow the UI's language: an invalid phone", async () => {
  for (const [locale, expected] of [
    ['zh-CN', '不是有效的电话号码'],
    ['en', 'Not a phone number'],
  ]) {
    const session = await adminIn(DESKTOP, locale)
    const { page } = session
    await page.goto(`${ctx.server.base}/customers/new`)
    const form = page.locator('.meta-form')
    await form.locator('[data-field="name"] input').fill(`电话校验${unique}`)
    // Passes the form's own check (digits and dashes) but is no phone number to the server.
    // Saved once the duplicate check the typing starts has answered.
    const checked = page.waitForResponse((r) => r.url().includes('/check-duplicates'))
    await form.locator('[data-field="phone"] input').fill('1-----')
    await checked
    // The refusal is the point: the server answers 422 naming the phone.
    allowProblem({ status: 422, path: /\/api\/v1\/customers$/ })
    await page.getByTestId('customer-save').click()
    const error = form.locator('[data-field="phone"] .el-form-item__error')
    await error.waitFor()
    const text = await error.innerText()
    expect(text.includes(expected), `${locale}: the phone's message is "${text}"`)
    await closeBrowser(session)
  }
})

test('the audit log reads as sentences in both languages, changes as before → after', async () => {
  // A change with a before and an after: a deal's amount.
  const deal = await ctx.api.call('POST', `/customers/${ctx.customerId}/deals`, {
    closed_on: '2026-11-30',
    amount: '100.00',
  })
  await ctx.api.call('PATCH', `/customers/${ctx.customerId}/deals/${deal.id}`, {
    amount: '250.00',
    version: deal.version,
  })
  for (const [locale, login, changed, change] of [
    ['zh-CN', ' 登录', '修改了客户', '成交金额:'],
    ['en', ' logged in', 'edited a deal of customer', 'Amount:'],
  ]) {
    const session = await adminIn(DESKTOP, locale)
    const { page } = session
    await page.goto(`${ctx.server.base}/admin/audit`)
    await page.getByTestId('audit-sentence').first().waitFor()
    const text = (await page.locator('.audit-table').innerText()).replace(/\s+/g, ' ')
    for (const raw of ['auth.login', 'customer.update', 'deal.update', '{"']) {
      expect(!text.includes(raw), `${locale}: the audit log shows the raw ${raw}`)
    }
    if (process.env.GUANXI_E2E_DEBUG) console.log(text.slice(0, 2000))
    for (const words of [login, changed, change, '100.00 → 250.00']) {
      expect(text.includes(words), `${locale}: no "${words}" in the audit log`)
    }
    await shot(page, `texts-audit-${locale}`)
    await closeBrowser(session)
  }
})

/**
 * Labels, buttons, headers and titles on the page whose text is cut: wider than their box with the
 * overflow hidden or an ellipsis, or under a table's fixed column; and tables that scroll sideways.
 */
async function clippedTexts(page) {
  return page.evaluate(() => {
    const selectors = [
      'th .cell',
      '.el-button',
      '.el-form-item__label',
      '.el-tabs__item',
      '.el-checkbox__label',
      '.el-radio__label',
      '.el-radio-button__inner',
      '.el-menu-item',
      '.el-sub-menu__title',
      'h1',
      'h2',
      'legend',
      '.el-descriptions__label',
      '.el-dialog__title',
      '.meta-title-link',
      '.el-select__placeholder',
      '.el-select__selected-item',
      '.recycle-bin td:first-child .cell', // the names of deleted customers
    ]
    const out = []
    const name = (el) => (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40)
    for (const el of document.querySelectorAll(selectors.join(','))) {
      const box = el.getBoundingClientRect()
      if (!box.width || !box.height || !el.checkVisibility()) continue
      const style = getComputedStyle(el)
      const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis'
      if (hides && el.scrollWidth > el.clientWidth + 1) out.push(`cut: ${name(el)}`)
      // Cut by a box around it (a tab strip, a table cell); a table's own sideways scroll is
      // told below.
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (/el-table__(body|header)-wrapper|el-scrollbar__wrap/.test(up.className)) break
        if (getComputedStyle(up).overflowX === 'visible') continue
        const around = up.getBoundingClientRect()
        if (box.left < around.left - 1 || box.right > around.right + 1) {
          out.push(`cut by its box: ${name(el)}`)
          break
        }
      }
      // A header of a scrolling column that lies under a fixed one.
      const th = el.closest('th')
      if (th && !th.classList.contains('is-fixed-column') && !th.className.includes('fixed')) {
        for (const fixed of el.closest('.el-table')?.querySelectorAll('th[class*="fixed"]') ?? []) {
          const f = fixed.getBoundingClientRect()
          if (box.right > f.left + 1 && box.left < f.right - 1) out.push(`covered: ${name(el)}`)
        }
      }
    }
    for (const body of document.querySelectorAll('.el-table__body-wrapper .el-scrollbar__wrap')) {
      if (body.scrollWidth > body.clientWidth + 1) out.push('a table scrolls sideways')
    }
    return [...new Set(out)]
  })
}

test('no clipped labels, buttons or headers at 1440×900 and 375×812 in both languages', async () => {
  const deleted = await ctx.api.call('POST', '/customers', {
    name: `回收站里名字相当长的客户${unique}国际贸易有限公司`,
    category: 'potential',
  })
  await ctx.api.call('DELETE', `/customers/${deleted.id}`)
  const pages = [
    ['list', '/customers'],
    ['detail', `/customers/${ctx.customerId}`],
    ['form', '/customers/new'],
    ['pool', '/pool'],
    ['recycle-bin', '/customers/recycle-bin'],
    ['departments', '/admin/departments'],
    ['roles', '/admin/roles'],
    ['users', '/admin/users'],
    ['audit', '/admin/audit'],
    ['templates', '/records/templates'],
    ['template-editor', '/templates/new'],
  ]
  const problems = []
  for (const [viewport, size] of [
    [{ width: 1440, height: 900 }, 'desktop'],
    [PHONE, 'phone'],
  ]) {
    for (const locale of ['zh-CN', 'en']) {
      const session = await adminIn(viewport, locale)
      const { page } = session
      for (const [name, path] of pages) {
        await page.goto(`${ctx.server.base}${path}`)
        await page.locator('.gx-page').first().waitFor()
        await page.locator('.meta-list[aria-busy="true"]').waitFor({ state: 'detached' })
        await shot(page, `texts-${name}-${size}-${locale}`)
        for (const problem of await clippedTexts(page)) {
          problems.push(`${name} ${size} ${locale}: ${problem}`)
        }
      }
      // The role dialog: its permission groups and checkboxes.
      await page.goto(`${ctx.server.base}/admin/roles`)
      await page.locator('.gx-page-head .el-button').first().click()
      await page.locator('.el-dialog:visible .perm-group').first().waitFor()
      await shot(page, `texts-role-dialog-${size}-${locale}`)
      for (const problem of await clippedTexts(page)) {
        problems.push(`role dialog ${size} ${locale}: ${problem}`)
      }
      await closeBrowser(session)
    }
  }
  // The customer list's own (#14 item 1 fits its columns at 1440 px; its scope select is cut in
  // English): reported, not failed, until that lands. Remove an entry once it no longer shows.
  // All of them (a failure prints only its first lines).
  if (problems.length) console.log(`    clipped:\n      ${problems.join('\n      ')}`)
  expect(!problems.length, `${problems.length} clipped texts (listed above)`)
})

// #15 mail
/** A minimal SMTP server on 127.0.0.1 that accepts every message; `messages` holds their DATA. */
async function fakeSmtp() {
  const { createServer } = await import('node:net')
  const messages = []
  const server = createServer((socket) => {
    let buffer = ''
    let inData = false
    socket.write('220 fake ESMTP\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      while (true) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end < 0) return
          messages.push(buffer.slice(0, end))
          buffer = buffer.slice(end + 5)
          inData = false
          socket.write('250 queued\r\n')
          continue
        }
        const eol = buffer.indexOf('\r\n')
        if (eol < 0) return
        const line = buffer.slice(0, eol).toUpperCase()
        buffer = buffer.slice(eol + 2)
        if (line.startsWith('EHLO')) socket.write('250-fake\r\n250 8BITMIME\r\n')
        else if (line.startsWith('DATA')) {
          inData = true
          socket.write('354 go on\r\n')
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n')
        else socket.write('250 ok\r\n')
      }
    })
  })
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok))
  return { port: server.address().port, messages, close: () => server.close() }
}

test('SMTP settings: save them, send a test e-mail, see the result (and the error when down)', async () => {
  const smtp = await fakeSmtp()
  const session = await adminIn({ width: 1440, height: 900 }, 'zh-CN')
  const { page } = session
  try {
    await page.goto(`${ctx.server.base}/admin/mail`)
    // The administration menu has the page, marked as the one shown.
    const item = page.locator('.side-menu .el-menu-item.is-active')
    await item.waitFor()
    const label = await item.innerText()
    expect(label.includes('邮件发送（SMTP）'), `the active menu item: ${label}`)
    await page.getByTestId('smtp-host').fill('127.0.0.1')
    await page.getByTestId('smtp-security').getByText('不加密').click()
    await page.getByTestId('smtp-port').locator('input').fill(String(smtp.port))
    await page.getByTestId('smtp-from-address').fill('crm@example.com')
    await page.getByTestId('smtp-from-name').fill('关系客户管理')
    await page.getByTestId('smtp-password').fill('s3cret')
    await page.getByTestId('smtp-save').click()
    await page.getByText('邮件设置已保存').waitFor()
    // The password is never shown again; the field says one is kept.
    const placeholder = await page.getByTestId('smtp-password').getAttribute('placeholder')
    expect(placeholder === '已设置，留空则保持不变', `password placeholder: ${placeholder}`)
    await page.getByTestId('smtp-test-to').fill('admin@example.com')
    await page.getByTestId('smtp-test-send').click()
    const result = page.getByTestId('smtp-test-result')
    await result.waitFor()
    const text = await result.innerText()
    expect(text.includes('已发送') && text.includes('admin@example.com'), `result: ${text}`)
    expect(smtp.messages.length === 1, `${smtp.messages.length} messages arrived`)
    expect(/^Subject: =\?UTF-8\?B\?/m.test(smtp.messages[0]), 'the subject is an encoded word')
    for (const [size, viewport] of [
      ['desktop', { width: 1440, height: 900 }],
      ['phone', PHONE],
    ]) {
      await page.setViewportSize(viewport)
      await shot(page, `mail-settings-${size}-zh-CN`)
    }
    await page.setViewportSize({ width: 1440, height: 900 })
    // The server down: the result says so in the server's words.
    smtp.close()
    await page.getByTestId('smtp-port').locator('input').fill('1')
    await page.getByTestId('smtp-save').click()
    await page.getByText('邮件设置已保存').first().waitFor()
    await page.getByTestId('smtp-test-send').click()
    await page.getByText('未发送。邮件服务器返回：').waitFor()
    const failed = await page.getByTestId('smtp-test-result').innerText()
    expect(/connect/i.test(failed), `the failure says why: ${failed}`)
  } finally {
    smtp.close()
    await closeBrowser(session)
  }
  for (const [size, viewport] of [
    ['desktop', { width: 1440, height: 900 }],
    ['phone', PHONE],
  ]) {
    const en = await adminIn(viewport, 'en')
    await en.page.goto(`${ctx.server.base}/admin/mail`)
    await en.page.getByText('Outgoing mail server').waitFor()
    await shot(en.page, `mail-settings-${size}-en`)
    await closeBrowser(en)
  }
})

// ---------------------------------------------------------------------------------------------

// #15 jobs
test('jobs page: an administrator sees a dead job with its last error and retries it', async () => {
  // A job that ran out of attempts, as the runner leaves one (the API has no way to make one).
  const error = 'SMTP 535: authentication failed (smtp.example.cn:465)'
  const now = Math.floor(Date.now() / 1000)
  const insert = spawnSync(
    'sqlite3',
    [
      '-cmd',
      '.timeout 5000',
      join(ctx.server.dataDir, 'guanxi.db'),
      `INSERT INTO jobs (name, payload, status, due_at, attempts, max_attempts, last_error,
         created_at, updated_at, finished_at)
       VALUES ('noop', '{}', 'dead', ${now}, 5, 5, '${error}', ${now}, ${now}, ${now})`,
    ],
    { encoding: 'utf8' },
  )
  expect(insert.status === 0, `sqlite3: ${insert.stderr}`)
  const session = await adminIn(DESKTOP, 'en')
  const { page } = session
  await page.goto(`${ctx.server.base}/admin/jobs`)
  const table = page.getByTestId('job-table')
  const row = table.locator('tbody tr').filter({ hasText: 'SMTP 535' })
  await row.getByTestId('job-error').waitFor()
  expect(
    /Dead \([1-9]\d*\)/.test(await page.locator('.jobs-tabs').innerText()),
    'the Dead tab counts no job',
  )
  await row.getByTestId('job-retry').click()
  await page.getByText('is queued again').waitFor()
  // The runner takes it at once (noop): it leaves the dead tab and is done.
  await row.waitFor({ state: 'detached' })
  await page.locator('.jobs-tabs').getByText('Done', { exact: false }).click()
  await table.locator('tbody tr').first().waitFor()
  await shot(page, 'jobs-done-en')
  await closeBrowser(session)
})

// #14 rest
test('the recycle bin says who deleted a customer and when, in both languages', async () => {
  const name = `删除人测试${unique}有限公司`
  const created = await ctx.api.call('POST', '/customers', { name, category: 'potential' })
  await ctx.api.call('DELETE', `/customers/${created.id}`)
  const me = await ctx.api.call('GET', '/me')
  for (const [locale, header, when] of [
    ['zh-CN', '删除人', '删除时间'],
    ['en', 'Deleted by', 'Deleted at'],
  ]) {
    const session = await adminIn(WIDE, locale)
    const { page } = session
    await page.goto(`${ctx.server.base}/customers/recycle-bin`)
    const row = page.locator('.meta-table .el-table__body-wrapper tr', { hasText: name })
    await row.waitFor()
    const headers = await page.$$eval('.meta-table .el-table__header th', (ths) =>
      ths.map((th) => th.textContent.trim()),
    )
    const at = headers.indexOf(header)
    expect(at >= 0, `no "${header}" column: ${headers.join(', ')}`)
    const cell = (await row.locator('td').nth(at).innerText()).trim()
    expect(cell === me.display_name, `deleted by "${cell}", not "${me.display_name}"`)
    const time = (await row.locator('td').nth(headers.indexOf(when)).innerText()).trim()
    expect(/\d{2}:\d{2}/.test(time), `deleted at "${time}"`)
    await shot(page, `recycle-bin-deleted-by-${locale}`)
    await closeBrowser(session)
  }
})

// #15 notifications
test('a reminder written by another process rings the bell live; read all clears it', async () => {
  const { page } = ctx.admin
  await page.setViewportSize(DESKTOP)
  await page.goto(`${ctx.server.base}/customers`)
  const bell = page.getByTestId('notification-bell')
  await bell.waitFor()
  const badge = bell.locator('.el-badge__content')
  // As a reminder rule in another server process would leave it (the live scan reads the
  // database every 2 s, so it shows within seconds, without a reload).
  const now = Math.floor(Date.now() / 1000)
  const title = `回访提醒${unique}`
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 5000',
    join(ctx.server.dataDir, 'guanxi.db'),
    `INSERT INTO notifications (user_id, unique_key, kind, title, body, link, due_at, visible_at, created_at) SELECT id, 'e2e:${unique}', 'system', '${title}', '计划今天联系', '/pool', ${now}, ${now}, ${now} FROM users WHERE username = 'admin'`,
  ])
  await badge.filter({ hasText: /^1$/ }).waitFor({ timeout: 15000 })
  await bell.click()
  const item = page.getByTestId('notification-item').filter({ hasText: title })
  await item.waitFor()
  await shot(page, 'notifications-desktop')
  await page.getByTestId('notifications-read-all').click()
  await badge.waitFor({ state: 'hidden' })
  // Opening it goes to its page.
  await item.locator('.item-main').click()
  await page.waitForURL(/\/pool/)
})

// #15 pool
test('an administrator caps claims in the pool rules; a salesperson over the cap is told so', async () => {
  const { page } = ctx.admin
  await page.setViewportSize(DESKTOP)
  await page.goto(`${ctx.server.base}/admin/pool-rules`)
  await page.getByTestId('pool-rules').waitFor()
  await page.getByTestId('pool-rules-enabled').click()
  const cap = page.getByTestId(`pool-cap-e2e-sales-${unique}`)
  await cap.locator('input').nth(1).fill('0')
  await cap.locator('input').nth(1).blur()
  await page.getByTestId('pool-rules-save').click()
  await page.locator('.el-message--success').waitFor()
  const rules = await ctx.api.call('GET', '/settings/pool-rules')
  const line = rules.role_caps.find((c) => c.role_name === `e2e-sales-${unique}`)
  expect(
    rules.enabled && line?.max_claims_per_day === 0,
    `rules not saved: ${JSON.stringify(line)}`,
  )

  const name = `公海规则${unique}有限公司`
  const created = await ctx.api.call('POST', '/customers', { name })
  await ctx.api.call('POST', `/customers/${created.id}/release`, {})
  const a = ctx.a.page
  await a.setViewportSize(DESKTOP)
  await a.goto(`${ctx.server.base}/pool?q=${encodeURIComponent(name)}`)
  allowProblem({ status: 429, path: /\/claim$/ })
  await a.getByTestId(`claim-${created.id}`).click()
  const alert = a.getByTestId('claim-conflict')
  await alert.waitFor()
  const text = await alert.textContent()
  expect(
    text.includes('每天最多领取 0 个') && text.includes('今天还可领取 0 个'),
    `refusal: ${text}`,
  )
  expect((await a.getByTestId('pool-quota').textContent()).includes('0'), 'quota not shown')
  await ctx.api.call('PUT', '/settings/pool-rules', { enabled: false, role_caps: [] })
})

// #15 reminders
test('reminders: rules and my channels are saved; a next contact rings the bell by itself', async () => {
  const session = await adminIn(DESKTOP, 'en')
  const { page } = session
  // The administrator chases closed deals after 3 days too.
  await page.goto(`${ctx.server.base}/admin/reminders`)
  const closed = page.getByTestId('rule-days-closed').locator('input')
  await closed.waitFor()
  await closed.fill('3')
  // ... and turns the payment-due (催款) reminders off (back on below, for the contract flow).
  await page.getByTestId('rule-payment-due').click()
  await page.getByTestId('rules-save').click()
  await page.getByText('Reminder rules saved').waitFor()
  const rules = await ctx.api.call('GET', '/settings/reminders')
  expect(rules.no_followup.days.closed === 3, `closed: ${rules.no_followup.days.closed}`)
  expect(rules.payment_due.enabled === false, `payment due: ${rules.payment_due.enabled}`)
  await ctx.api.call('PUT', '/settings/reminders', { payment_due: { enabled: true } })
  await shot(page, 'reminder-rules-en')
  // My channels: activities by e-mail too, the digest at 07:30.
  await page.goto(`${ctx.server.base}/profile`)
  await page.getByTestId('notify-email-activity_start').click()
  await page.getByTestId('notify-digest').click()
  await page.getByTestId('notify-digest-time').click()
  await page.locator('.el-select-dropdown__item', { hasText: /^07:30$/ }).click()
  await page.getByTestId('notify-save').click()
  await page.getByText('Notification settings saved').waitFor()
  await page.getByTestId('notify-next-digest').waitFor()
  const mine = await ctx.api.call('GET', '/me/notification-settings')
  expect(
    mine.email.activity_start && mine.digest.enabled && mine.digest.time === '07:30',
    `saved: ${JSON.stringify(mine)}`,
  )
  await shot(page, 'notification-settings-en')
  // A customer of mine due in 2 s, written as an import would: the server's own rule job
  // (every 5 s) notifies me and the bell rings within 15 s, without a reload.
  const name = `定时联系测试${unique}`
  const due = Math.floor(Date.now() / 1000) + 2
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 5000',
    join(ctx.server.dataDir, 'guanxi.db'),
    `INSERT INTO customers (name, category, owner_id, next_contact_at, created_at, updated_at) SELECT '${name}', 'core', id, ${due}, ${due}, ${due} FROM users WHERE username = 'admin'`,
  ])
  await page.getByTestId('notification-bell').click()
  await page.getByTestId('notification-item').filter({ hasText: name }).waitFor({ timeout: 17000 })
  expect(Date.now() / 1000 - due < 15, 'the reminder took more than 15 s')
  await closeBrowser(session)
})

// #15 calendar
test('an activity made on the calendar is dragged to another day and stays there after a reload', async () => {
  const session = await adminIn(DESKTOP, 'zh-CN')
  const { page } = session
  await page.goto(`${ctx.server.base}/calendar`)
  await page.getByTestId('calendar-view-timeGridWeek').click()
  const columns = page.locator('.fc-timegrid-col[data-date]')
  await columns.nth(6).waitFor()
  const [from, to] = [
    await columns.nth(1).getAttribute('data-date'),
    await columns.nth(3).getAttribute('data-date'),
  ]
  const lane = page.locator('.fc-timegrid-slot-lane[data-time="10:00:00"]')
  await lane.scrollIntoViewIfNeeded()
  const point = async (day) => {
    const column = await columns.nth(day).boundingBox()
    const row = await lane.boundingBox()
    return { x: column.x + column.width / 2, y: row.y + row.height / 2 }
  }
  // A click on an empty slot (Tuesday 10:00) opens the form there.
  const slot = await point(1)
  await page.mouse.click(slot.x, slot.y)
  const subject = `日历拖动${unique}`
  await page.getByTestId('activity-subject').fill(subject)
  const created = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/activities'),
  )
  await page.getByTestId('activity-save').click()
  const activity = await (await created).json()
  expect(activity.start_at, `no start: ${JSON.stringify(activity)}`)
  const event = page.locator('.fc-timegrid-event', { hasText: subject })
  await event.waitFor()
  expect(
    (await page
      .locator(`.fc-timegrid-col[data-date="${from}"] .fc-timegrid-event`, { hasText: subject })
      .count()) === 1,
    `not on ${from}`,
  )
  // The form's dialog fades out: its mask would take the mouse press, and the drag would select
  // text instead.
  await page.getByTestId('activity-subject').waitFor({ state: 'hidden' })
  await page.locator('.el-overlay').first().waitFor({ state: 'hidden' })
  // Dragged two days on (Thursday), same time.
  const box = await event.boundingBox()
  const target = await point(3)
  const moved = page.waitForResponse(
    (r) =>
      r.request().method() === 'PATCH' && r.url().endsWith(`/api/v1/activities/${activity.id}`),
  )
  await page.mouse.move(box.x + box.width / 2, box.y + 8)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 + 20, box.y + 10, { steps: 4 })
  await page.mouse.move(target.x, box.y + 8, { steps: 8 })
  await page.mouse.up()
  const answer = await moved
  expect(answer.status() === 200, `PATCH answered ${answer.status()}`)
  const body = answer.request().postDataJSON()
  expect(body.version === activity.version, `sent version ${body.version}`)
  const shifted = Date.parse(activity.start_at) + 2 * 86400000
  expect(Date.parse(body.start_at) === shifted, `moved to ${body.start_at}, not 2 days on`)
  // After a reload it is on Thursday, as the server keeps it.
  await page.reload()
  await page.getByTestId('calendar-view-timeGridWeek').click()
  await page
    .locator(`.fc-timegrid-col[data-date="${to}"] .fc-timegrid-event`, { hasText: subject })
    .waitFor()
  expect(
    (await page
      .locator(`.fc-timegrid-col[data-date="${from}"] .fc-event`, { hasText: subject })
      .count()) === 0,
    `still on ${from}`,
  )
  const stored = await page.evaluate(async (id) => {
    const response = await fetch(`/api/v1/activities/${id}`)
    return response.json()
  }, activity.id)
  expect(Date.parse(stored.start_at) === shifted, `stored start ${stored.start_at}`)
  await shot(page, 'calendar-week-desktop')
  await closeBrowser(session)
})

// #15 todo
test('a salesperson lands on the to-do page, and a follow-up there clears the customer', async () => {
  // Given to salesperson A by the administrator, its next contact an hour ago (set as a job
  // would: the API refuses a next contact in the past).
  const name = `待办客户${unique}`
  const customer = await ctx.api.call('POST', '/customers', {
    name,
    phone: `1399${String(Date.now()).slice(-7)}`,
    owner_id: ctx.salesA.id,
  })
  const hourAgo = Math.floor(Date.now() / 1000) - 3600
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 5000',
    join(ctx.server.dataDir, 'guanxi.db'),
    `UPDATE customers SET next_contact_at = ${hourAgo} WHERE id = ${customer.id}`,
  ])
  const session = await openBrowser(PHONE)
  const { page } = session
  await login(page, ctx.server.base, ctx.salesA.username, SALES_PASSWORD)
  await page.waitForURL(/\/todo$/)
  const due = page.locator('[data-section="contacts_due"]')
  const item = due.getByTestId(`todo-item-customer-${customer.id}`)
  await item.waitFor()
  expect((await item.innerText()).includes('逾期'), 'the overdue customer is not marked 逾期')
  expect(
    (await item.locator(`a[href^="tel:"]`).count()) === 1,
    'no one-tap call for a customer with a phone',
  )
  const fresh = page.locator('[data-section="newly_assigned"]')
  await fresh.getByTestId(`todo-item-customer-${customer.id}`).waitFor()
  await shot(page, 'todo-phone')
  await item.getByTestId('todo-followup').click()
  await page.getByTestId('followup-content').fill('电话已联系，约下周拜访')
  await page.getByTestId('followup-submit').click()
  // Contacted now: gone from both sections.
  await item.waitFor({ state: 'detached' })
  await fresh.getByTestId(`todo-item-customer-${customer.id}`).waitFor({ state: 'detached' })
  // The customer list stays in the menu.
  await page.getByTestId('menu-toggle').click()
  await page.locator('.menu-drawer .el-menu-item', { hasText: /^\s*客户\s*$/ }).click()
  await page.waitForURL(/\/customers$/)
  await closeBrowser(session)
})

// #16 pipeline
test('an opportunity dragged to the next stage on the board moves, and the column counts follow', async () => {
  const session = await adminIn(DESKTOP, 'zh-CN')
  const { page } = session
  await page.goto(`${ctx.server.base}/pipeline-board`)
  const name = `看板机会${unique}`
  // A customer and an opportunity in the first stage, made through the API as the page would.
  const opportunity = await page.evaluate(async (name) => {
    const post = async (path, body) => {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        body: JSON.stringify(body),
      })
      return response.json()
    }
    const customer = await post('/api/v1/customers', { name: `${name}客户` })
    const stages = await (await fetch('/api/v1/pipeline_stages?pipeline_id=1&sort=position')).json()
    return post('/api/v1/opportunities', {
      name,
      customer_id: customer.id,
      pipeline_id: 1,
      stage_id: stages.items[0].id,
      amount: '1200.00',
    })
  }, name)
  expect(opportunity.id, `no opportunity: ${JSON.stringify(opportunity)}`)
  await page.getByTestId('board-reload').click()
  const card = page.getByTestId(`board-card-${opportunity.id}`)
  await card.waitFor()
  const columns = page.locator('.board-column')
  const count = async (i) => Number(await columns.nth(i).getByTestId('column-count').innerText())
  const [first, second] = [await count(0), await count(1)]
  const moved = page.waitForResponse(
    (r) =>
      r.request().method() === 'PATCH' &&
      r.url().endsWith(`/api/v1/opportunities/${opportunity.id}`),
  )
  await card.dragTo(columns.nth(1))
  const answer = await moved
  expect(answer.status() === 200, `PATCH answered ${answer.status()}`)
  expect(answer.request().postDataJSON().version === opportunity.version, 'sent no version')
  await columns.nth(1).getByTestId(`board-card-${opportunity.id}`).waitFor()
  expect((await count(0)) === first - 1, `first column ${await count(0)}, was ${first}`)
  expect((await count(1)) === second + 1, `second column ${await count(1)}, was ${second}`)
  await shot(page, 'pipeline-board-desktop')
  await closeBrowser(session)
})

// #16 quotes
test('a quote for an opportunity past the discount limit: approved by the manager, PDF, accepted, its contract planned, part paid, 催款', async () => {
  const api = ctx.api
  const roles = (await api.call('GET', '/roles')).items
  const roleId = (name) => roles.find((r) => r.name === name).id
  const dept = await api.call('POST', '/departments', { name: `E2E报价${unique}`, parent_id: null })
  const mk = (username, display_name, role, manager_id = null) =>
    api.call('POST', '/users', {
      username,
      display_name,
      department_id: dept.id,
      role_id: roleId(role),
      manager_id,
      password: SALES_PASSWORD,
      active: true,
    })
  const boss = await mk(`e2e.boss.${unique}`, `王经理${unique}`, 'manager')
  const seller = await mk(`e2e.seller.${unique}`, `李销售${unique}`, 'sales', boss.id)
  const p1 = await api.call('POST', '/products', {
    code: `E2E-A-${unique}`,
    name: `工业传感器${unique}`,
    unit: '台',
    list_price: '100.00',
  })
  const p2 = await api.call('POST', '/products', {
    code: `E2E-B-${unique}`,
    name: `数据网关${unique}`,
    unit: '套',
    list_price: '2500.00',
  })
  const sellerApi = new Api(ctx.server.base)
  await sellerApi.login(seller.username, SALES_PASSWORD)
  const customer = await sellerApi.call('POST', '/customers', { name: `报价客户${unique}有限公司` })
  const stages = await sellerApi.call('GET', '/pipeline_stages?pipeline_id=1&sort=position')
  const opportunity = await sellerApi.call('POST', '/opportunities', {
    name: `年度采购商机${unique}`,
    customer_id: customer.id,
    pipeline_id: 1,
    stage_id: stages.items[2].id,
    amount: '3000.00',
  })
  const quote = await sellerApi.call('POST', `/customers/${customer.id}/quotes`, {
    title: '年度采购',
    opportunity_id: opportunity.id,
  })

  // The salesperson adds two lines in the editor; the totals follow as they type.
  const sales = await openBrowser()
  await login(sales.page, ctx.server.base, seller.username, SALES_PASSWORD)
  const { page } = sales
  await page.goto(`${ctx.server.base}/quotes/${quote.id}`)
  const pick = async (index, label) => {
    await page.getByTestId('line-add').click()
    const line = page.getByTestId('quote-line').nth(index)
    await line.getByTestId('line-product').click()
    await page
      .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: label })
      .click()
    // The list fades out; the next line's list must not be mistaken for it.
    await page.locator('.el-select-dropdown:visible').waitFor({ state: 'detached' })
    await line.getByTestId('line-price').waitFor()
    return line
  }
  const first = await pick(0, p1.name)
  await first.getByTestId('line-quantity').fill('3')
  await first.getByTestId('line-discount').fill('15')
  await pick(1, p2.name)
  await page.getByTestId('quote-total').filter({ hasText: '3113.15' }).waitFor()
  await page.getByTestId('quote-needs-approval').waitFor()
  await page.getByTestId('lines-save').click()
  await page.locator('.el-message--success').first().waitFor()
  await page.getByTestId('quote-submit').click()
  await page.getByTestId('quote-status').filter({ hasText: '待审批' }).waitFor()
  await shot(page, 'quote-editor-desktop')

  // The manager approves.
  const manager = await openBrowser()
  await login(manager.page, ctx.server.base, boss.username, SALES_PASSWORD)
  await manager.page.goto(`${ctx.server.base}/quotes/${quote.id}`)
  await manager.page.getByTestId('quote-approve').click()
  await manager.page.getByTestId('quote-status').filter({ hasText: '已批准' }).waitFor()

  // The PDF link downloads the PDF with the session.
  await page.reload()
  await page.getByTestId('quote-status').filter({ hasText: '已批准' }).waitFor()
  const href = await page.getByTestId('quote-pdf').getAttribute('href')
  const pdf = await page.request.get(`${ctx.server.base}${href}`)
  expect(pdf.status() === 200, `the PDF answered ${pdf.status()}`)
  expect(pdf.headers()['content-type'] === 'application/pdf', 'not a PDF')
  expect((await pdf.body()).subarray(0, 5).toString() === '%PDF-', 'the body is not a PDF')
  await closeBrowser(sales)

  // The customer accepts; the manager records it, and the quote becomes a draft contract for its
  // total, linked from the quote, on the opportunity's timeline.
  const mp = manager.page
  await mp.reload()
  await mp.getByTestId('quote-accept').click()
  await mp.getByTestId('quote-status').filter({ hasText: '已接受' }).waitFor()
  await mp.getByTestId('quote-opportunity').waitFor()
  const timeline = await sellerApi.call('GET', `/opportunities/${opportunity.id}/timeline`)
  expect(
    timeline.items.some((e) => e.kind === 'quote' && e.summary.status === 'accepted'),
    'the accepted quote is not on the opportunity timeline',
  )
  await mp.getByTestId('quote-contract').click()
  await mp.getByTestId('contract-page').waitFor()

  // Its payment plan: the editor says what is left to allocate as amounts are typed.
  // (Element Plus puts a test id on the input itself, or on a wrapper around it.)
  const inputOf = async (loc) =>
    (await loc.evaluate((e) => e.tagName)) === 'INPUT' ? loc : loc.locator('input')
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10)
  await mp.getByTestId('instalment-add').click()
  await (await inputOf(mp.getByTestId('instalment-amount').first())).fill('1000.00')
  await mp.getByTestId('instalment-add').click()
  const left = mp.getByTestId('plan-left')
  expect(
    (await left.innerText()).includes('计划合计与合同金额一致'),
    'the second row takes the rest',
  )
  await (await inputOf(mp.getByTestId('instalment-amount').nth(1))).fill('2000.00')
  expect(
    (await left.innerText()).includes('113.15'),
    'the editor does not show 113.15 still to allocate',
  )
  await (await inputOf(mp.getByTestId('instalment-amount').nth(1))).fill('2113.15')
  for (const [i, date] of [day(-10), day(20)].entries()) {
    // (the row's second input: the date picker's)
    const input = mp.getByTestId('instalment-row').nth(i).locator('input').nth(1)
    await input.fill(date)
    await input.press('Enter')
  }
  await mp.getByTestId('plan-save').click()
  // The first instalment is overdue: 催款. A partial payment of it.
  await mp.getByTestId('contract-payment-due').waitFor()
  await (await inputOf(mp.getByTestId('payment-amount'))).fill('150.00')
  await mp.getByTestId('payment-save').click()
  await mp.locator('.el-table', { hasText: '150.00' }).waitFor()
  expect(
    (await mp.getByTestId('contract-outstanding').innerText()).includes('2,963.15'),
    `the contract shows ${await mp.getByTestId('contract-outstanding').innerText()} outstanding`,
  )
  await shot(mp, 'contract-desktop')
  // The customer: marked 催款, its contracts tab shows the outstanding amount.
  await mp.goto(`${ctx.server.base}/customers/${customer.id}`)
  await mp.locator('.title-row', { hasText: '催款' }).waitFor()
  await mp.locator('.el-tabs__item', { hasText: '合同' }).click()
  const summary = mp.getByTestId('record-summary')
  await summary.waitFor()
  const text = await summary.innerText()
  expect(text.includes('催款') && text.includes('2,963.15'), `the summary reads “${text}”`)
  await closeBrowser(manager)
})

// #16 opportunity page
test('the opportunity page: a need added in its tab shows in the list and the timeline; a stage move adds a stage-history row', async () => {
  const api = ctx.api
  const customer = await api.call('POST', '/customers', { name: `机会页客户${unique}` })
  const stages = await api.call('GET', '/pipeline_stages?pipeline_id=1&sort=position')
  const open = stages.items.filter((s) => !s.is_won && !s.is_lost)
  const opportunity = await api.call('POST', '/opportunities', {
    name: `机会页${unique}`,
    customer_id: customer.id,
    pipeline_id: 1,
    stage_id: open[0].id,
    amount: '86000.00',
  })
  // A product of the catalogue, for a solution to offer (picked by part of its name).
  const product = await api.call('POST', '/products', {
    code: `E2E-SOL-${unique}`,
    name: `移动审批套件${unique}`,
    unit: '套',
    list_price: '3600.00',
  })
  const session = await adminIn(DESKTOP, 'zh-CN')
  const { page } = session
  await page.goto(`${ctx.server.base}/opportunities/${opportunity.id}`)
  await page.getByTestId('opportunity-name').filter({ hasText: opportunity.name }).waitFor()
  await page.getByTestId('opportunity-customer').filter({ hasText: customer.name }).waitFor()

  // A need, through its tab's form: the list shows it, and so does the timeline.
  await page.locator('#tab-opportunity_needs').click()
  const panel = page.getByTestId('records-opportunity_needs')
  await panel.locator('.meta-list[aria-busy="false"]').waitFor()
  const need = `数据要在国内机房${unique}`
  await panel.getByTestId('record-new').click()
  const dialog = page.locator('.el-dialog:visible')
  await dialog.locator('[data-field="title"] input').fill(need)
  // (a click while the dialog still opens may not open the list: try again)
  const priority = page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first()
  for (let attempt = 0; attempt < 3 && !(await priority.isVisible()); attempt++) {
    await dialog.locator('[data-field="priority"] .el-select__wrapper').click()
    await priority.waitFor({ timeout: 2000 }).catch(() => {})
  }
  await priority.click()
  await dialog.getByTestId('record-save').click()
  await panel.locator('.el-table__body-wrapper tr', { hasText: need }).waitFor()
  await dialog.waitFor({ state: 'hidden' })
  await page.locator('#tab-timeline').click()
  await page.getByTestId('opportunity-timeline-entry').filter({ hasText: need }).first().waitFor()

  // A solution answering that need (its opportunity's needs offered by title) and offering the
  // product (searched by part of its name): the list names both.
  await page.locator('#tab-opportunity_solutions').click()
  const solutions = page.getByTestId('records-opportunity_solutions')
  await solutions.locator('.meta-list[aria-busy="false"]').waitFor()
  await solutions.getByTestId('record-new').click()
  const solutionForm = page.locator('.el-dialog:visible')
  await solutionForm.locator('[data-field="title"] input').fill(`移动审批方案${unique}`)
  const offered = (text) =>
    page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: text })
  const needPicker = solutionForm.locator('[data-field="need_ids"]')
  for (let attempt = 0; attempt < 3 && !(await offered(need).isVisible()); attempt++) {
    await needPicker.locator('.el-select__wrapper').click()
    await offered(need)
      .waitFor({ timeout: 3000 })
      .catch(() => {})
  }
  await offered(need).click()
  // (a multi-select stays open after a pick, over the fields below it: close it)
  await solutionForm.locator('.el-dialog__title').click()
  await offered(need).waitFor({ state: 'hidden' })
  const productPicker = solutionForm.locator('[data-field="product_ids"]')
  const part = `审批套件${unique}`
  for (let attempt = 0; attempt < 3 && !(await offered(product.name).isVisible()); attempt++) {
    await productPicker.locator('.el-select__wrapper').click()
    await productPicker.locator('input').fill(part)
    await offered(product.name)
      .waitFor({ timeout: 3000 })
      .catch(() => {})
  }
  await offered(product.name).click()
  await needPicker.locator('.el-select__tags-text', { hasText: need }).waitFor()
  await productPicker.locator('.el-select__tags-text', { hasText: product.name }).waitFor()
  const created = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().includes('/opportunity_solutions'),
  )
  await solutionForm.getByTestId('record-save').click()
  const sent = (await created).request().postDataJSON()
  expect(
    JSON.stringify(sent.product_ids) === JSON.stringify([product.id]) &&
      sent.need_ids?.length === 1,
    `the solution was sent with ${JSON.stringify(sent)}`,
  )
  await solutions
    .locator('.el-table__body-wrapper tr')
    .filter({ hasText: need })
    .filter({ hasText: product.name })
    .first()
    .waitFor()
  await solutionForm.waitFor({ state: 'hidden' })

  // A competitor on it, picked by name in its tab's form (no id typed): the list names it.
  const rival = await api.call('POST', '/competitors', { name: `竞品${unique}` })
  await page.locator('#tab-opportunity_competitors').click()
  const rivals = page.getByTestId('records-opportunity_competitors')
  await rivals.locator('.meta-list[aria-busy="false"]').waitFor()
  await rivals.getByTestId('record-new').click()
  const rivalForm = page.locator('.el-dialog:visible')
  const picker = rivalForm.locator('[data-field="competitor_id"]')
  const found = page.locator('.el-select-dropdown:visible .el-select-dropdown__item', {
    hasText: rival.name,
  })
  for (let attempt = 0; attempt < 3 && !(await found.isVisible()); attempt++) {
    await picker.locator('.el-select__wrapper').click()
    await picker.locator('input').fill(rival.name)
    await found.waitFor({ timeout: 3000 }).catch(() => {})
  }
  await found.click()
  await rivalForm.getByTestId('record-save').click()
  await rivals.locator('.el-table__body-wrapper tr', { hasText: rival.name }).waitFor()
  await rivalForm.waitFor({ state: 'hidden' })

  // The next stage, with the select: the stage history gains a row.
  const moved = page.waitForResponse(
    (r) =>
      r.request().method() === 'PATCH' &&
      r.url().endsWith(`/api/v1/opportunities/${opportunity.id}`),
  )
  await page.getByTestId('opportunity-stage').click()
  await page
    .locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: open[1].name })
    .click()
  const answer = await moved
  expect(answer.status() === 200, `PATCH answered ${answer.status()}`)
  expect(answer.request().postDataJSON().version === opportunity.version, 'sent no version')
  await page.getByTestId('opportunity-stage-name').filter({ hasText: open[1].name }).waitFor()
  await page.locator('#tab-stages').click()
  const rows = page.getByTestId('opportunity-stage-history').locator('.el-table__body tr')
  await rows.nth(1).waitFor()
  expect((await rows.count()) === 2, `${await rows.count()} stage-history rows, not 2`)
  await page.locator('#tab-timeline').click()
  await page.getByTestId('opportunity-change').filter({ hasText: open[1].name }).first().waitFor()
  await shot(page, 'opportunity-desktop')
  await closeBrowser(session)

  const phone = await adminIn(PHONE, 'en')
  await phone.page.goto(`${ctx.server.base}/opportunities/${opportunity.id}`)
  await phone.page.getByTestId('opportunity-timeline-entry').first().waitFor()
  await shot(phone.page, 'opportunity-phone')
  await closeBrowser(phone)
})

async function main() {
  mkdirSync(SHOTS, { recursive: true })
  const bin = process.env.GUANXI_BIN || DEFAULT_BIN
  let passed = 0
  let failed = 0
  const started = Date.now()
  try {
    ctx.server = await startServer({
      bin,
      customers: Number(process.env.GUANXI_E2E_CUSTOMERS ?? 120),
    })
  } catch (error) {
    console.error(`✘ start the server: ${error.message}`)
    failed = tests.length
    finish(passed, failed, started)
    return
  }
  console.log(`e2e against ${bin} at ${ctx.server.base}`)
  // GUANXI_E2E_ONLY=<regex>: only the tests it names (while debugging one; some tests build on
  // what earlier ones made, so the whole suite is what counts).
  const only = process.env.GUANXI_E2E_ONLY ? new RegExp(process.env.GUANXI_E2E_ONLY) : null
  for (const { name, fn } of tests.filter((t) => !only || only.test(t.name))) {
    const t0 = Date.now()
    guard.problems = []
    guard.allowed = []
    try {
      await fn()
      await checkGuard()
      passed++
      console.log(`✔ ${name} (${Date.now() - t0} ms)`)
    } catch (error) {
      failed++
      console.log(
        `✘ ${name} (${Date.now() - t0} ms)\n    ${String(error?.stack ?? error)
          .split('\n')
          .slice(0, Number(process.env.GUANXI_E2E_STACK ?? 4))
          .join('\n    ')}`,
      )
      // Every browser still open: the shared sessions and the test's own.
      for (const [who, session] of profiles.entries()) {
        const file = join(SHOTS, `FAILED-${name.replace(/\W+/g, '-')}-${who}.png`)
        await session.page.screenshot({ path: file }).catch(() => {})
      }
    }
  }
  for (const session of [...profiles]) await closeBrowser(session)
  await ctx.server.stop()
  if (failed && process.env.GUANXI_E2E_SERVER_LOG) console.log(ctx.server.log())
  finish(passed, failed, started)
}

function finish(passed, failed, started) {
  mkdirSync(RESULTS, { recursive: true })
  writeFileSync(
    join(RESULTS, 'e2e.json'),
    JSON.stringify({ passed, failed, ms: Date.now() - started }),
  )
  console.log(`e2e: ${passed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}

await main()
