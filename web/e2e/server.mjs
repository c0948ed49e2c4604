// Starts the server under test — the real `guanxi` binary (GUANXI_BIN) — on a temporary data folder
// and a free port.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_BIN = resolve(WEB_DIR, '../build/release/server/guanxi')
export const ADMIN_PASSWORD = 'secret-admin-1'

function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer()
    probe.once('error', fail)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => ok(port))
    })
  })
}

async function waitHealthy(base, child, log, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log()}`)
    try {
      const res = await fetch(`${base}/healthz`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${log()}`)
}

/** Starts the server; returns { base, stop, log }. `customers` demo customers are generated first. */
export async function startServer({ bin = DEFAULT_BIN, customers = 120 } = {}) {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'guanxi-e2e-'))
  const webRoot = join(WEB_DIR, 'dist')
  const env = { ...process.env, GUANXI_ADMIN_PASSWORD: ADMIN_PASSWORD }
  if (!existsSync(bin)) throw new Error(`server binary not found: ${bin}`)
  if (customers > 0) {
    const demo = spawnSync(
      bin,
      ['demo-data', '--data', dataDir, '--customers', String(customers)],
      {
        env,
        encoding: 'utf8',
        timeout: 120000,
      },
    )
    if (demo.status !== 0) {
      console.warn(
        `  (demo-data failed with ${demo.status}; continuing without it: ${String(demo.stderr).slice(0, 200)})`,
      )
    }
  }
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--web-root', webRoot]
  let output = ''
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const base = `http://127.0.0.1:${port}`
  try {
    await waitHealthy(base, child, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
  async function stop() {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL')
          r()
        }, 5000)
        child.once('exit', () => {
          clearTimeout(timer)
          r()
        })
      })
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  return { base, stop, dataDir, log: () => output }
}
