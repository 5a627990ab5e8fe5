// Runs children/build-once.ts: one build of the generated library in a fresh process, timed from spawn to exit.
import { spawn } from 'node:child_process'
import type { BuildJob, BuildOutcome } from './children/build-once.js'
import { childProgram } from './children.js'
import { cleanEnv } from '../test/support/run.js'

export interface BuildRun extends BuildOutcome {
  /** The whole build process, spawn to exit: what `npm run build` makes a person wait for. */
  processMs: number
}

export async function runBuild(job: BuildJob, cwd: string, timeoutMs = 180_000): Promise<BuildRun> {
  const program = await childProgram('build-once')
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [program, JSON.stringify(job)], {
      cwd,
      env: cleanEnv(),
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
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      const processMs = performance.now() - started
      clearTimeout(timer)
      const last = stdout.trim().split('\n').pop() ?? ''
      if (code !== 0 || !last.startsWith('{'))
        return reject(
          new Error(
            `${job.bundler} build failed (${signal ?? code}): ${(stderr || stdout).trim().split('\n').slice(0, 5).join(' | ')}`,
          ),
        )
      resolve({ ...(JSON.parse(last) as BuildOutcome), processMs })
    })
  })
}
