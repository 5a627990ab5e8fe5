// A program run by one of the runtimes of runtimes.ts, the way its user would: a script file in a fresh
// home's work folder, started by the runtime's own binary (deno with the permissions given), on a pipe or
// on a pseudo-terminal, pointed at the local collector.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Collector, ReceivedRequest } from '@popylar/tools/collector'
import { requestsAfterExit } from './requests-after-exit.js'
import { run, type Home, type RunResult } from './run.js'
import type { Runtime } from './runtimes.js'
import { runInTerminal } from './terminal.js'
import { tempHome, writeConfigFile } from './temp-home.js'

export interface ProgramOptions {
  /** The program's text, and so its file name: program.mjs or program.cjs. */
  source: string
  type: 'module' | 'commonjs'
  /** More files next to the program (a worker's script, say), by file name. */
  files?: Record<string, string>
  /** More environment variables (DO_NOT_TRACK, …). */
  env?: Record<string, string>
  /** The home to run in, shared with another run; a fresh one (removed when the test ends) unless given. */
  home?: Home
  /** The home's popylar/config.json, written before the program starts. */
  config?: unknown
  /** Deno's permission flags; every permission (-A) unless given. Other runtimes ask for none. */
  denoPermissions?: string[]
  /** Options for Node or Bun, before the program's file (--permission…). */
  runtimeArgs?: string[]
  /** On a pseudo-terminal (stdout and stderr both): a permission prompt would show there, and wait. */
  terminal?: boolean
  /** Requests to wait for before the quiet moment that shows any extra one (default 0). */
  expect?: number
  /** A command that runs the program (its command line appended): `sh -c 'umask 000; exec "$@"' sh`, a network namespace… */
  prefix?: string[]
}

export interface ProgramRun extends RunResult {
  /** What the terminal showed, with terminal: true (stdout and stderr, in order). */
  screen?: string
  /** What reached the collector from this program, after it exited. */
  requests: ReceivedRequest[]
}

export function commandLine(
  runtime: Runtime,
  file: string,
  denoPermissions = ['-A'],
  runtimeArgs: string[] = [],
): string[] {
  return runtime.kind === 'deno'
    ? [runtime.binary, 'run', ...denoPermissions, file]
    : [runtime.binary, ...runtimeArgs, file]
}

/** Runs the program and collects what it sent. */
export async function runProgram(
  t: { after(fn: () => void): void },
  runtime: Runtime,
  collector: Collector,
  options: ProgramOptions,
): Promise<ProgramRun> {
  const home = options.home ?? tempHome(t)
  if (options.config !== undefined) writeConfigFile(home, options.config)
  const file = join(home.cwd, options.type === 'module' ? 'program.mjs' : 'program.cjs')
  writeFileSync(file, options.source)
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(home.cwd, name), text)
  // Deno would ask its release server for updates: nothing but the local collector may be reached.
  const env = { ...home.env, POPYLAR_ENDPOINT: collector.url, DENO_NO_UPDATE_CHECK: '1', ...options.env }
  const [command, ...args] = [
    ...(options.prefix ?? []),
    ...commandLine(runtime, file, options.denoPermissions, options.runtimeArgs),
  ]
  collector.clear()
  if (options.terminal) {
    const shown = await runInTerminal([command!, ...args], { env, cwd: home.cwd })
    return { ...shown, requests: await requestsAfterExit(collector, options.expect ?? 0) }
  }
  const result = await run(command!, args, { env, cwd: home.cwd })
  return { ...result, requests: await requestsAfterExit(collector, options.expect ?? 0) }
}
