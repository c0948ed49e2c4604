// Vitest's global setup: asks the server binary (GUANXI_BIN, as the e2e suite does) for its error
// codes and permissions, which tests/server-names.test.ts checks the web's copies against.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import type { NoServerNames, ServerNames } from './tests/serverNames'

export default function setup(project: TestProject) {
  const webDir = dirname(fileURLToPath(import.meta.url))
  const bin = process.env.GUANXI_BIN ?? resolve(webDir, '../build/release/server/guanxi')
  // Without a binary the check can't run: a failure, unless the caller said to do without the
  // server (GUANXI_SKIP_E2E=1, as for the e2e suite).
  const skip = process.env.GUANXI_SKIP_E2E === '1'
  let names: ServerNames | NoServerNames
  if (!existsSync(bin)) {
    names = { problem: `no server binary at ${bin} (build it, or set GUANXI_BIN)`, skip }
  } else {
    const run = spawnSync(bin, ['codes'], { encoding: 'utf8', timeout: 30000 })
    try {
      if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`)
      names = JSON.parse(run.stdout) as ServerNames
    } catch (error) {
      names = { problem: `${bin} codes failed: ${String(error)}`, skip: false }
    }
  }
  project.provide('serverNames', names)
}
