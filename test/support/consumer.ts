// A program that uses a library the way an app does (an ESM import or a CJS require, then its own
// work), run in a fresh child process with a home of its own and the collector as POPYLAR_ENDPOINT.
import assert from 'node:assert/strict'
import { pathToFileURL } from 'node:url'
import type { TinyLibrary } from './library.js'
import { run, type Home, type RunResult } from './run.js'

/** What the app itself does: output on both streams and an exit code, for the tracker not to change. */
export const APP_BODY = `console.log(greet('world')); console.error('app: done'); process.exitCode = 3`

export interface ConsumerOptions {
  home: Home
  /** POPYLAR_ENDPOINT; none: the endpoint compiled into the library. */
  endpoint?: string
  env?: Record<string, string | undefined>
  format?: 'esm' | 'cjs'
  /** Runs after the library is loaded, with `greet` in scope. Default: nothing. */
  body?: string
  /** Options for node itself, e.g. --trace-warnings. */
  nodeArgs?: string[]
  cwd?: string
}

export function consumerSource(library: TinyLibrary, format: 'esm' | 'cjs', body = ''): string {
  const load =
    format === 'esm'
      ? `import { greet } from ${JSON.stringify(pathToFileURL(library.esm).href)}`
      : `const { greet } = require(${JSON.stringify(library.cjs)})`
  return `${load}\n${body}\n`
}

export function runConsumer(library: TinyLibrary, options: ConsumerOptions): Promise<RunResult> {
  const format = options.format ?? 'esm'
  const args = [
    ...(options.nodeArgs ?? []),
    `--input-type=${format === 'esm' ? 'module' : 'commonjs'}`,
    '-e',
    consumerSource(library, format, options.body),
  ]
  const env = { ...options.home.env, POPYLAR_ENDPOINT: options.endpoint, ...options.env }
  return run(process.execPath, args, { env, cwd: options.cwd ?? options.home.cwd })
}

/** What a user of the program sees: the same output, the same exit. */
export function assertSameOutcome(tracked: RunResult, plain: RunResult, message?: string): void {
  const outcome = ({ stdout, stderr, code, signal }: RunResult) => ({ stdout, stderr, code, signal })
  assert.deepEqual(outcome(tracked), outcome(plain), message)
}
