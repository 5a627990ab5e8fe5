// Runs popylar-ga the way an author would, in a child process, against the local stand-in for Google's
// Analytics APIs (tools/ga-api): an empty home, no Google credentials or proxy leaking in from the
// machine, and Google's metadata server switched off so that nothing is sent beyond loopback.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanEnv, type RunResult } from './run.js'

export const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url))
/** The command as built in the workspace (the packed one is tested in ga-command.test.ts). */
export const WORKSPACE_BIN = join(REPOSITORY, 'packages', 'ga', 'dist', 'cli.mjs')

/** Variables through which a machine's own Google sign-in or proxy would reach the command. */
const MACHINE_VARIABLES =
  /^(GOOGLE_.*|GCLOUD_.*|CLOUDSDK_.*|GCE_METADATA_.*|METADATA_SERVER_DETECTION|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$/

export interface GaRun extends RunResult {
  /** stdout and stderr together: what the person saw. */
  output: string
}

/** A home with nothing in it: no gcloud credentials, no config. Removed when the process exits. */
export function emptyHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'popylar-ga-home-'))
  process.once('exit', () => rmSync(home, { recursive: true, force: true }))
  mkdirSync(join(home, 'work'))
  return home
}

export function writeKeyFile(home: string, key: unknown, name = 'key.json'): string {
  const file = join(home, name)
  writeFileSync(file, typeof key === 'string' ? key : JSON.stringify(key, null, 2))
  return file
}

/** The environment of the command: this process's, cleaned as run() cleans it, less the machine's Google variables. */
function commandEnv(extra: Record<string, string>): Record<string, string> {
  const env = cleanEnv(extra)
  for (const name of Object.keys(env)) if (MACHINE_VARIABLES.test(name) && !(name in extra)) delete env[name]
  return env
}

export function runGa(
  bin: string,
  args: string[],
  options: { home: string; apiRoot?: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<GaRun> {
  const env = commandEnv({
    HOME: options.home,
    // google-auth-library would otherwise look for a metadata server at a link-local address.
    METADATA_SERVER_DETECTION: 'none',
    ...(options.apiRoot ? { POPYLAR_GA_API_ROOT: options.apiRoot } : {}),
    ...options.env,
  })
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: join(options.home, 'work'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ stdout, stderr, code, signal, ms: performance.now() - started, output: stdout + stderr })
    })
  })
}

/** A failure as the person sees it: exit 1, nothing on stdout, one line on stderr. Returns the line. */
export function oneLineFailure(result: GaRun): string {
  assert.equal(result.stdout, '', 'nothing on stdout')
  assert.equal(result.code, 1, `exit code 1, got ${result.code}: ${result.stderr}`)
  const lines = result.stderr.split('\n').filter(Boolean)
  assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`)
  assert.match(lines[0]!, /^popylar-ga: /)
  return lines[0]!
}
