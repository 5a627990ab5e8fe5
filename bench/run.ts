// npm run bench: every figure, each against a baseline measured in the same run;
// prints the table and writes bench/RESULTS.md.
import { measureBatching } from './batching.js'
import { measureBuildOverhead } from './build-overhead.js'
import { snapshotCore } from './core-snapshot.js'
import { buildExitPrograms, measureExitDelay } from './exit-delay.js'
import { generateLibrary } from './generate-library.js'
import { measureHookCalls } from './hook-calls.js'
import { measureImportCost } from './import-cost.js'
import { currentLoad, describeMachine } from './machine.js'
import { createNamespace, type Namespace } from './netns.js'
import { renderResults, renderTable, tableRows, writeResults, type Results } from './report.js'
import { measureSizes } from './size.js'
import { tmpPath } from './paths.js'

const RUNS = {
  importPairs: 60,
  batchingPairs: 30,
  batchingProcesses: 7,
  exitDelayRuns: 21,
}

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`
const log = (line: string) => console.log(line)

/** One figure: a failure is reported in the table, and the other figures still run. */
async function section<T>(title: string, measure: () => Promise<T>): Promise<T | Error> {
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
const library = generateLibrary(tmpPath('library'))
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
  results.sizes = await section('bundle size', () => measureSizes(coreDir, log))
  results.importCost = await section('import cost', () => measureImportCost(coreDir, RUNS.importPairs))
  results.batching = await section('batching', () =>
    measureBatching(coreDir, RUNS.batchingPairs, RUNS.batchingProcesses),
  )
  results.exitDelay = await section('exit delay and delivery', async () => {
    namespace = await createNamespace()
    if ('unavailable' in namespace) log(`  no network namespace: ${namespace.unavailable}`)
    const programs = await buildExitPrograms(coreDir)
    return measureExitDelay(programs, RUNS.exitDelayRuns, namespace, log)
  })
  if (namespace && !('unavailable' in namespace)) await namespace.close()
  namespace = undefined
  results.buildOverhead = await section('build overhead (2,000 modules)', () =>
    measureBuildOverhead(library, coreDir, log),
  )
  results.hookCalls = await section('hook calls', () => measureHookCalls(library, coreDir, log))
} finally {
  if (namespace && !('unavailable' in namespace)) await namespace.close()
}

results.totalSeconds = (performance.now() - started) / 1000
results.loadAtEnd = currentLoad()
const rows = tableRows(results)
const file = writeResults(renderResults(results, rows))
log('')
log(renderTable(rows))
const missed = rows.filter((row) => row.status === 'MISSED')
log(
  `\n${missed.length ? `${missed.length} goals MISSED` : 'every measured goal met'}; ${rows.filter((row) => row.status === 'not measured').length} not measured. Details in ${file}. Total ${elapsed()}.`,
)
// A missed goal is a result, not a crash: the table says so. Exit now: nothing of ours is left running.
process.exit(0)
