// Runs programs the way a user would: a fresh child process, a home of its own, no CI or opt-out
// variables leaking in from the machine that runs the tests.
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RunResult {
  stdout: string
  stderr: string
  code: number | null
  signal: NodeJS.Signals | null
  /** Wall-clock time from spawn to exit. */
  ms: number
}

/** Variables that change what the tracker does (a proxy of the test machine's, too): never inherited from the test machine. */
const TRACKER_VARIABLES =
  /^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|GITHUB_ACTIONS|GITLAB_CI|TF_BUILD|BUILDKITE|CIRCLECI|TRAVIS|JENKINS_URL|TEAMCITY_VERSION|CODEBUILD_BUILD_ID|BITBUCKET_BUILD_NUMBER|DO_NOT_TRACK|POPYLAR_.*|XDG_CONFIG_HOME|APPDATA|NODE_ENV|NODE_OPTIONS|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|NODE_USE_ENV_PROXY)$/

export interface Home {
  /** The fake home directory (HOME). */
  dir: string
  /** Where popylar/config.json lives (XDG_CONFIG_HOME). */
  configHome: string
  configFile: string
  /** A working directory with no package.json above it. */
  cwd: string
  env: Record<string, string>
}

/** Homes made by this test process, removed when it exits. */
const homes: string[] = []
process.once('exit', () => {
  for (const dir of homes) rmSync(dir, { recursive: true, force: true })
})

/** A fresh, empty home: a new machine, as far as the tracker can tell. */
export function freshHome(): Home {
  const dir = mkdtempSync(join(tmpdir(), 'popylar-home-'))
  homes.push(dir)
  const configHome = join(dir, '.config')
  const cwd = join(dir, 'work')
  mkdirSync(cwd)
  return {
    dir,
    configHome,
    configFile: join(configHome, 'popylar', 'config.json'),
    cwd,
    env: { HOME: dir, XDG_CONFIG_HOME: configHome },
  }
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !TRACKER_VARIABLES.test(key)) env[key] = value
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value
  return env
}

export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: cleanEnv(options.env),
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
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ stdout, stderr, code, signal, ms: performance.now() - started })
    })
  })
}

/** Runs a Node script given as text, as ESM (or CJS with type: 'commonjs'). */
export function runNodeScript(
  source: string,
  options: {
    env?: Record<string, string | undefined>
    cwd?: string
    type?: 'module' | 'commonjs'
    timeoutMs?: number
  } = {},
): Promise<RunResult> {
  const type = options.type ?? 'module'
  return run(process.execPath, [`--input-type=${type}`, '-e', source], options)
}
