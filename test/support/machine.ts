// One machine, as a person uses it over time: programs that import instrumented libraries, the popylar
// command, then the programs again, all sharing one home (and so one popylar/config.json). Each program
// is a fresh child process pointed at the local collector.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Collector, ReceivedRequest } from '@popylar/tools/collector'
import { requestsAfterExit } from './requests-after-exit.js'
import { freshHome, run, type Home, type RunResult } from './run.js'
import { runInTerminal, type TerminalRun } from './terminal.js'

/** The popylar command as npx would run it: the bin that @popylar/core's package.json names. */
export const POPYLAR_BIN = (() => {
  const manifest = createRequire(import.meta.url).resolve('@popylar/core/package.json')
  return join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.popylar)
})()

export interface RunOptions {
  env?: Record<string, string | undefined>
  /** Default: the home's work folder, with no package.json above it. */
  cwd?: string
  /** Run with neither HOME nor XDG_CONFIG_HOME set. */
  withoutHome?: boolean
}

export interface ProgramRun {
  result: RunResult
  /** What reached the collector from this program, after it exited. */
  requests: ReceivedRequest[]
}

export interface Machine {
  home: Home
  /** Runs a program that imports the bundles, and waits for `expect` requests (then a quiet moment). */
  importLibraries(files: string[], options?: RunOptions & { expect?: number }): Promise<ProgramRun>
  /** The same program on a terminal (a pseudo-terminal); with stderr: 'file', stderr is not a terminal. */
  importOnTerminal(files: string[], options?: RunOptions & { stderr?: 'terminal' | 'file' }): Promise<TerminalRun>
  popylar(args: string[], options?: RunOptions): Promise<RunResult>
}

export function newMachine(collector: Collector): Machine {
  const home = freshHome()
  const environment = (options: RunOptions = {}) => ({
    ...(options.withoutHome ? {} : home.env),
    POPYLAR_ENDPOINT: collector.url,
    ...options.env,
  })
  // `env -u HOME`: run() always keeps the test machine's HOME, and a missing HOME is what is tested.
  const command = (args: string[], options: RunOptions = {}) =>
    options.withoutHome ? ['env', '-u', 'HOME', process.execPath, ...args] : [process.execPath, ...args]
  // Static imports, as a program's own dependencies are: evaluated in one go, so their events share one flush.
  const program = (files: string[]) => [
    '--input-type=module',
    '-e',
    files.map((file) => `import ${JSON.stringify(pathToFileURL(file).href)}`).join('\n'),
  ]

  return {
    home,
    async importLibraries(files, options = {}) {
      collector.clear()
      const [file, ...args] = command(program(files), options)
      const result = await run(file!, args, { env: environment(options), cwd: options.cwd ?? home.cwd })
      return { result, requests: await requestsAfterExit(collector, options.expect ?? 0) }
    },
    importOnTerminal(files, options = {}) {
      collector.clear()
      return runInTerminal(command(program(files), options), {
        env: environment(options),
        cwd: options.cwd ?? home.cwd,
        stderr: options.stderr,
      })
    },
    popylar(args, options = {}) {
      const [file, ...rest] = command([POPYLAR_BIN, ...args], options)
      return run(file!, rest, { env: environment(options), cwd: options.cwd ?? home.cwd })
    },
  }
}
