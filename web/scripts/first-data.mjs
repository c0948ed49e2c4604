// Measures how long the customers page takes to first show data, in Debian's Chromium against the real
// server with many customers: node scripts/first-data.mjs [--customers 100000] [--data DIR]
// Customers come from `guanxi demo-data`; when that fails, from POST /customers (8 at a time).
// Prints the median of 5 cold page loads (navigation start → first row painted) for admin and a salesperson.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { Api } from '../e2e/api.mjs'
import { ADMIN_PASSWORD, DEFAULT_BIN } from '../e2e/server.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const COUNT = Number(arg('customers', 100000))
const BIN = process.env.GUANXI_BIN || DEFAULT_BIN
const keep = !!arg('data', '')
const dataDir = arg('data', '') || mkdtempSync(join(tmpdir(), 'guanxi-first-data-'))
mkdirSync(dataDir, { recursive: true })
const env = { ...process.env, GUANXI_ADMIN_PASSWORD: ADMIN_PASSWORD }
const port = 20000 + Math.floor(Math.random() * 20000)
const base = `http://127.0.0.1:${port}`
const fresh = !existsSync(join(dataDir, 'guanxi.db'))

let demoOk = false
if (fresh) {
  const demo = spawnSync(BIN, ['demo-data', '--data', dataDir, '--customers', String(COUNT)], {
    env,
    encoding: 'utf8',
  })
  demoOk = demo.status === 0
  console.log(
    demoOk
      ? demo.stdout.trim()
      : `demo-data failed (${String(demo.stderr).slice(0, 120)}…); loading through the API`,
  )
}
const server = spawn(
  BIN,
  [
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--data',
    dataDir,
    '--web-root',
    new URL('../dist', import.meta.url).pathname,
  ],
  { env, stdio: 'ignore' },
)
try {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break
    await new Promise((r) => setTimeout(r, 200))
  }
  const api = new Api(base)
  await api.login('admin', ADMIN_PASSWORD)
  let total = (await api.call('GET', '/customers?page_size=1')).total
  if (total < COUNT) {
    const t0 = Date.now()
    let next = total
    const worker = async () => {
      while (next < COUNT) {
        const i = next++
        await api.call('POST', '/customers', {
          name: `压测客户${i}号贸易有限公司`,
          phone: `150${String(i).padStart(8, '0')}`,
          allow_duplicate: true,
        })
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
    total = (await api.call('GET', '/customers?page_size=1')).total
    console.log(
      `created ${COUNT} customers through the API in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    )
  }
  console.log(`customers in the database: ${total}`)

  const apiTimes = []
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now()
    await api.call('GET', '/customers?page=1&page_size=20&sort=-updated_at')
    apiTimes.push(performance.now() - t0)
  }
  apiTimes.sort((a, b) => a - b)
  console.log(`GET /customers (page 1 of 20, newest first): ${apiTimes[2].toFixed(0)} ms median`)
  const q0 = performance.now()
  await api.call('GET', `/customers?q=${encodeURIComponent('科技')}&page_size=20`)
  console.log(`GET /customers?q=科技: ${(performance.now() - q0).toFixed(0)} ms`)

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  for (const [user, password] of [
    ['admin', ADMIN_PASSWORD],
    ['zhang.wei', 'demo1234'],
  ]) {
    const times = []
    for (let run = 0; run < 5; run++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 800 } })
      const page = await context.newPage()
      const login = await context.request.post(`${base}/api/v1/auth/login`, {
        data: { username: user, password },
      })
      if (!login.ok()) break
      const start = Date.now()
      await page.goto(`${base}/customers`)
      // First data: the first row, or the empty-list text when this user sees no customers.
      await page
        .locator('.meta-table .el-table__body-wrapper tr, .meta-table .el-table__empty-text')
        .first()
        .waitFor({ timeout: 30000 })
      times.push(Date.now() - start)
      await context.close()
    }
    if (times.length) {
      times.sort((a, b) => a - b)
      console.log(
        `${user}: first data on /customers in ${times[2] ?? times[0]} ms (median of ${times.length}; min ${times[0]}, max ${times.at(-1)})`,
      )
    }
  }
  await browser.close()
} finally {
  server.kill('SIGTERM')
  if (!keep) rmSync(dataDir, { recursive: true, force: true })
}
