// Lints the OpenAPI document the server serves — `guanxi openapi`: server/openapi/openapi.json plus
// every record type's generated paths — with Redocly CLI under server/openapi/redocly.yaml. Any
// problem, a warning included, fails: client generators need what the warnings ask for.
//   GUANXI_BIN       server binary (default: ../build/release/server/guanxi)
//   GUANXI_SKIP_E2E  1 = skip when the binary is missing (otherwise that is a failure)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = process.env.GUANXI_BIN ?? resolve(WEB_DIR, '../build/release/server/guanxi')
const config = resolve(WEB_DIR, '../server/openapi/redocly.yaml')
const output = join(WEB_DIR, 'test-results', 'openapi.json')

if (!existsSync(bin)) {
  console.log(`no server binary at ${bin} (build it, or set GUANXI_BIN)`)
  process.exit(process.env.GUANXI_SKIP_E2E === '1' ? 0 : 1)
}
const printed = spawnSync(bin, ['openapi'], { encoding: 'utf8', maxBuffer: 64 << 20 })
if (printed.status !== 0) {
  console.log(`${bin} openapi failed (${printed.status}): ${printed.stderr}`)
  process.exit(1)
}
mkdirSync(dirname(output), { recursive: true })
writeFileSync(output, printed.stdout)

const lint = spawnSync(
  join(WEB_DIR, 'node_modules', '.bin', 'redocly'),
  ['lint', output, '--config', config, '--format', 'json'],
  {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    // No usage report leaves the machine, and no notice about newer versions clutters the log.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  },
)
let report
try {
  report = JSON.parse(lint.stdout)
} catch {
  console.log(`redocly lint failed (${lint.status}):\n${lint.stdout}\n${lint.stderr}`)
  process.exit(1)
}
for (const problem of report.problems) {
  const where = problem.location?.[0]?.pointer ?? ''
  console.log(`${problem.severity} ${problem.ruleId} ${where}\n  ${problem.message}`)
}
const { errors, warnings } = report.totals
console.log(`OpenAPI lint (served document, ${output}): ${errors} error(s), ${warnings} warning(s)`)
process.exit(errors + warnings === 0 && lint.status === 0 ? 0 : 1)
