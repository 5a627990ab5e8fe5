// npm run test:runtimes: the runtime matrix (runtimes.test.ts) at the versions in support/pinned-versions.ts.
// npm run test:runtimes:latest: the same against the newest release of each runtime on npm, so that a new
// release is tried before its version is pinned.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RUNTIME_VERSIONS, type RuntimeName } from './support/pinned-versions.js'
import { newestVersions } from './support/runtimes.js'

const env = { ...process.env }
if (process.argv.includes('--latest')) {
  const newest = await newestVersions()
  console.log('The newest releases on npm (pinned in test/support/pinned-versions.ts):')
  for (const [name, version] of Object.entries(newest)) {
    const pinned = RUNTIME_VERSIONS[name as RuntimeName]
    console.log(`  ${name.padEnd(7)} ${version.padEnd(9)} ${version === pinned ? 'pinned' : `pinned: ${pinned}`}`)
  }
  env.POPYLAR_RUNTIME_VERSIONS = JSON.stringify(newest)
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', 'runtimes.test.ts'], {
  cwd: fileURLToPath(new URL('.', import.meta.url)),
  env,
  stdio: 'inherit',
})
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0)
})
