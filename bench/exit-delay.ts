// Exit delay and delivery: a program that only imports the library, run as a whole process,
// instrumented against plain, alternating, in each network state.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freshHome, run, type Home, type RunResult } from '../test/support/run.js'
import { clientIdOf, countDelivery, eventsByClient, type DeliveryCount } from './delivery.js'
import type { Namespace } from './netns.js'
import { NETWORK_STATES, type NetworkState, type OpenState } from './network-states.js'
import { tmpPath } from './paths.js'
import { buildSmallLibrary } from './small-library.js'
import { alternate, compare, type Comparison } from './stats.js'

export const EXIT_LIBRARY = 'popylar-bench-exit'
const CARRIER_LIBRARY = 'popylar-bench-carrier'

export interface ExitDelayResult {
  state: NetworkState
  /** Why the state could not be measured, when it could not. */
  notMeasured?: string
  wall?: Comparison
  delivery?: DeliveryCount
  /** Instrumented runs that printed something or exited with another code than the plain build. */
  misbehaved: number
}

/** How long the carrier, the next run in the same home, keeps working after its import, as a build, a test run or a server would. */
export const CARRIER_WORKS_MS = 1000

/** A program that imports the library, then (with worksMs) keeps working that long before it ends. */
function program(dir: string, library: string, worksMs = 0): string {
  const file = join(dir, 'program.mjs')
  writeFileSync(
    file,
    `import ${JSON.stringify(`./${library.slice(dir.length + 1)}`)}\n${worksMs ? `setTimeout(() => {}, ${worksMs})\n` : ''}`,
  )
  return file
}

export interface ExitPrograms {
  plain: string
  /** The instrumented program for an endpoint compiled into the library, built on first use. */
  tracked(endpoint: string): Promise<string>
  /** The next run's program, another library of the same author (the same measurement id and endpoint): only it may carry the event. */
  carrier(endpoint: string): Promise<string>
}

export async function buildExitPrograms(coreDir: string): Promise<ExitPrograms> {
  const make = async (
    dir: string,
    name: string,
    plugin: false | { coreDir: string; options?: object },
    worksMs?: number,
  ) => program(dir, await buildSmallLibrary({ dir, name, plugin }), worksMs)
  const base = tmpPath('exit-delay')
  const built = new Map<string, Promise<string>>()
  const once = (key: string, build: () => Promise<string>) => {
    if (!built.has(key)) built.set(key, build())
    return built.get(key)!
  }
  return {
    plain: await make(join(base, 'plain'), EXIT_LIBRARY, false),
    tracked: (endpoint) =>
      once(`tracked ${endpoint}`, () =>
        make(join(base, `tracked-${built.size}`), EXIT_LIBRARY, { coreDir, options: { endpoint } }),
      ),
    carrier: (endpoint) =>
      once(`carrier ${endpoint}`, () =>
        make(
          join(base, `carrier-${built.size}`),
          CARRIER_LIBRARY,
          { coreDir, options: { endpoint } },
          CARRIER_WORKS_MS,
        ),
      ),
  }
}

function runIn(state: OpenState, file: string, home: Home): Promise<RunResult> {
  const [command, args] = state.wrap ? state.wrap(process.execPath, [file]) : [process.execPath, [file]]
  return run(command, args, { env: { ...home.env, ...state.env }, cwd: home.cwd, timeoutMs: 20_000 })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function measureState(
  state: NetworkState,
  programs: ExitPrograms,
  runs: number,
  namespace: Namespace | { unavailable: string } | undefined,
): Promise<ExitDelayResult> {
  if (state.needsNamespace && (!namespace || 'unavailable' in namespace)) {
    return {
      state,
      notMeasured: namespace && 'unavailable' in namespace ? namespace.unavailable : 'no network namespace',
      misbehaved: 0,
    }
  }
  let open: OpenState
  try {
    open = await state.open(namespace && !('unavailable' in namespace) ? namespace : undefined)
  } catch (error) {
    return { state, notMeasured: (error as Error).message, misbehaved: 0 }
  }
  const homes: Home[] = []
  let misbehaved = 0
  const trackedHomes: Home[] = []
  try {
    const timed = async (file: string, tracked: boolean): Promise<number> => {
      const home = freshHome()
      homes.push(home)
      const result = await runIn(open, file, home)
      if (result.code !== 0 || result.stdout || result.stderr) {
        if (tracked) misbehaved++
        else throw new Error(`the plain program failed (${result.code}): ${result.stderr}`)
      }
      if (tracked) trackedHomes.push(home)
      return result.ms
    }
    const [trackedProgram, carrier] = await Promise.all([
      programs.tracked(open.endpoint),
      programs.carrier(open.endpoint),
    ])
    const { a, b } = await alternate(
      runs,
      () => timed(programs.plain, false),
      () => timed(trackedProgram, true),
    )
    let delivery: DeliveryCount | undefined
    if (open.collector) {
      await sleep(open.settleMs)
      const before = eventsByClient(open.collector, EXIT_LIBRARY)
      // The next run in the same home, importing another instrumented library, carries whatever the first left for it.
      for (const home of trackedHomes) await runIn(open, carrier, home)
      await sleep(open.settleMs)
      delivery = countDelivery(
        trackedHomes.map((home) => clientIdOf(home.configFile)),
        before,
        eventsByClient(open.collector, EXIT_LIBRARY),
      )
    }
    return { state, wall: compare(a, b), delivery, misbehaved }
  } finally {
    await open.close()
    for (const home of homes) rmSync(home.dir, { recursive: true, force: true })
  }
}

export async function measureExitDelay(
  programs: ExitPrograms,
  runs: number,
  namespace: Namespace | { unavailable: string } | undefined,
  log: (line: string) => void,
  /** Only the states whose label holds this text (npm run bench -- --states proxy). */
  only = '',
): Promise<ExitDelayResult[]> {
  const results: ExitDelayResult[] = []
  for (const state of NETWORK_STATES.filter((candidate) => candidate.label.includes(only))) {
    const result = await measureState(state, programs, runs, namespace)
    const wall = result.wall
    log(
      `  ${state.label}: ${wall ? `plain ${wall.a.median.toFixed(1)} ms, tracked ${wall.b.median.toFixed(1)} ms` : `not measured: ${result.notMeasured}`}`,
    )
    results.push(result)
  }
  return results
}
