// Runs turbo for the repository's npm scripts, with its anonymous telemetry off (TURBO_TELEMETRY_DISABLED):
// working on this repository sends nothing to another tool's collector, and shows no notice of one.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'

const turbo = createRequire(import.meta.url).resolve('turbo/bin/turbo')
const child = spawn(process.execPath, [turbo, ...process.argv.slice(2)], {
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  stdio: 'inherit',
})
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0)
})
