// npm run bench: every figure, each against a baseline measured in the same run; prints the table and
// writes bench/RESULTS.md. One part alone, printed only: `node --import tsx run.ts --only outbox` (or
// sizes, import, batching, network, build, hooks; several with commas), and `--states proxy` to measure
// only the network states whose label holds that text.
import { measureBatching } from './batching.js'
import { measureBuildOverhead } from './build-overhead.js'
import { snapshotCore } from './core-snapshot.js'
import { buildExitPrograms, measureExitDelay } from './exit-delay.js'
import { generateLibrary } from './generate-library.js'
import { measureHookCalls } from './hook-calls.js'
import { measureImportCost } from './import-cost.js'
import { currentLoad, describeMachine } from './machine.js'
import { createNamespace, type Namespace } from './netns.js'
import { renderDetails, renderResults, renderTable, tableRows, writeResults, type Results } from './report.js'
import { measureOutboxCost } from './outbox-cost.js'
import { measureSizes } from './size.js'
import { tmpPath } from './paths.js'
import { parseArgs } from 'node:util'

const { values: chosen } = parseArgs({ options: { only: { type: 'string' }, states: { type: 'string' } } })
const only = chosen.only?.split(',')
/** Whether a part is measured in this run. */
const wanted = (part: string) => !only || only.includes(part)

const RUNS = {
  outboxPairs: 60,
  importPairs: 60,
  batchingPairs: 30,
  batchingProcesses: 7,
  exitDelayRuns: 21,
}

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`
const log = (line: string) => console.log(line)

/** One figure: a failure is reported in the table, and the other figures still run. */
async function section<T>(part: string, title: string, measure: () => Promise<T>): Promise<T | Error | undefined> {
  if (!wanted(part)) return
  log(`${title} (${elapsed()})`)
  try {
    return await measure()
  } catch (error) {
    log(`  failed: ${(error as Error).stack ?? error}`)
    return error as Error
  }
}

const machine = describeMachine()
log(
  `popylar bench on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAtStart.toFixed(2)}`,
)
const coreDir = snapshotCore()
const results: Results = { machine, totalSeconds: 0, loadAtEnd: 0 }
let namespace: Namespace | { unavailable: string } | undefined
const stop = (signal: NodeJS.Signals) => {
  // The namespace's exit handler removes it; the children are ours and die with their stdio.
  log(`\n${signal}: stopping`)
  process.exit(130)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)

try {
  results.sizes = await section('sizes', 'bundle size', () => measureSizes(coreDir, log))
  results.importCost = await section('import', 'import cost', () => measureImportCost(coreDir, RUNS.importPairs))
  results.outboxCost = await section('outbox', 'outbox cost (10,000 junk files)', () =>
    measureOutboxCost(coreDir, RUNS.outboxPairs),
  )
  results.batching = await section('batching', 'batching', () =>
    measureBatching(coreDir, RUNS.batchingPairs, RUNS.batchingProcesses),
  )
  results.exitDelay = await section('network', 'exit delay and delivery', async () => {
    namespace = await createNamespace()
    if ('unavailable' in namespace) log(`  no network namespace: ${namespace.unavailable}`)
    const programs = await buildExitPrograms(coreDir)
    return measureExitDelay(programs, RUNS.exitDelayRuns, namespace, log, chosen.states)
  })
  if (namespace && !('unavailable' in namespace)) await namespace.close()
  namespace = undefined
  // Generated only for the parts that build it.
  const library = wanted('build') || wanted('hooks') ? generateLibrary(tmpPath('library')) : undefined
  results.buildOverhead = await section('build', 'build overhead (2,000 modules)', () =>
    measureBuildOverhead(library!, coreDir, log),
  )
  results.hookCalls = await section('hooks', 'hook calls', () => measureHookCalls(library!, coreDir, log))
} finally {
  if (namespace && !('unavailable' in namespace)) await namespace.close()
}

results.totalSeconds = (performance.now() - started) / 1000
results.loadAtEnd = currentLoad()
const rows = tableRows(results)
// A part measured alone is printed, never written over the full results.
const file = only ? 'the table above (not written: --only)' : writeResults(renderResults(results, rows))
log('')
log(renderTable(rows))
if (only) log(`\n${renderDetails(rows)}`)
const missed = rows.filter((row) => row.status === 'MISSED')
log(
  `\n${missed.length ? `${missed.length} goals MISSED` : 'every measured goal met'}; ${rows.filter((row) => row.status === 'not measured').length} not measured. Details in ${file}. Total ${elapsed()}.`,
)
// A missed goal is a result, not a crash: the table says so. Exit now: nothing of ours is left running.
process.exit(0)
