// Build overhead: the generated 2,000-module library built with and without popylar, per bundler,
// alternating, each build a fresh process.
import { join } from 'node:path'
import { runBuild, type BuildRun } from './build-child.js'
import { BUNDLERS, type Bundler } from './bundlers.js'
import type { GeneratedLibrary } from './generate-library.js'
import { tmpPath } from './paths.js'
import { compare, blockRatio, summarise, type Comparison, type Summary } from './stats.js'

/**
 * Enough time per bundler for a good median: a 200 ms build varies by ±10% from one block of four to the
 * next, so a median that must tell 3% from 1% needs a couple of hundred blocks. The whole bench takes about 25 minutes.
 */
const BUDGET_PER_BUNDLER_MS = 200_000
/** Above this for 14 builds, a bundler gets the minimum of 5 runs each. */
const SLOW_BUNDLER_MS = 120_000
/** A build's run-to-run spread (5 to 15%) is larger than the plugin's cost (a few percent of a fast build): fast bundlers get many runs. */
const MAX_RUNS = 400

export interface BuildOverheadResult {
  bundler: Bundler
  runs: number
  /** Fewer than 7 runs each, and why. */
  reducedRuns?: string
  /** Whole build process, spawn to exit. */
  process?: Comparison
  /** The whole process, B / A - 1 within each block of two pairs (stats.blockRatio): the figure the goal is checked against. */
  processBlocks?: Summary
  /** The build call alone, bundler and plugin already loaded. */
  build?: Comparison
  /** CPU time of the whole process: less disturbed than wall time by other work on the machine. */
  processCpu?: Comparison
  /** Loading popylar's plugin module, in the instrumented builds. */
  pluginLoad?: Summary
  /** hookStats after one build with one entry (from the timed builds). */
  hookStats?: Record<string, number>
  error?: string
}

function runsFor(pairMs: number): { runs: number; reducedRuns?: string } {
  if (pairMs * 7 > SLOW_BUNDLER_MS)
    return { runs: 5, reducedRuns: `14 builds would take ${Math.round((pairMs * 7) / 1000)} s` }
  return { runs: Math.max(7, Math.min(MAX_RUNS, Math.floor(BUDGET_PER_BUNDLER_MS / pairMs))) }
}

async function measureBundler(
  bundler: Bundler,
  library: GeneratedLibrary,
  coreDir: string,
): Promise<BuildOverheadResult> {
  const job = (tracked: boolean) => ({
    bundler,
    root: library.root,
    entries: { index: library.mainEntry },
    outDir: join(tmpPath('build-overhead', bundler), tracked ? 'tracked' : 'plain'),
    format: 'esm' as const,
    coreDir: tracked ? coreDir : undefined,
  })
  const plain: BuildRun[] = []
  const tracked: BuildRun[] = []
  // A first build warms the file cache (the library's files and the plugin's); it is not counted.
  await runBuild(job(true), library.root)
  // Alternating, the order flipped every pair, as stats.alternate does; the first pair's time sets the number of runs.
  const pair = async (i: number) => {
    if (i % 2 === 0) {
      plain.push(await runBuild(job(false), library.root))
      tracked.push(await runBuild(job(true), library.root))
    } else {
      tracked.push(await runBuild(job(true), library.root))
      plain.push(await runBuild(job(false), library.root))
    }
  }
  const firstStarted = performance.now()
  await pair(0)
  const { runs, reducedRuns } = runsFor(performance.now() - firstStarted)
  for (let i = 1; i < runs; i++) await pair(i)
  return {
    bundler,
    runs,
    reducedRuns,
    process: compare(
      plain.map((r) => r.processMs),
      tracked.map((r) => r.processMs),
    ),
    processBlocks: blockRatio(
      plain.map((r) => r.processMs),
      tracked.map((r) => r.processMs),
    ),
    build: compare(
      plain.map((r) => r.buildMs),
      tracked.map((r) => r.buildMs),
    ),
    processCpu: compare(
      plain.map((r) => r.processCpuMs),
      tracked.map((r) => r.processCpuMs),
    ),
    pluginLoad: summarise(tracked.map((r) => r.loadMs)),
    hookStats: tracked[0]?.hookStats,
  }
}

export async function measureBuildOverhead(
  library: GeneratedLibrary,
  coreDir: string,
  log: (line: string) => void,
): Promise<BuildOverheadResult[]> {
  const results: BuildOverheadResult[] = []
  for (const bundler of BUNDLERS) {
    const started = performance.now()
    try {
      const result = await measureBundler(bundler, library, coreDir)
      results.push(result)
      const p = result.process!
      log(
        `  ${bundler}: ${result.runs} runs each, plain ${p.a.median.toFixed(0)} ms, with popylar ${p.b.median.toFixed(0)} ms, in blocks ${(result.processBlocks!.median * 100).toFixed(1)}% in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      )
    } catch (error) {
      results.push({ bundler, runs: 0, error: (error as Error).message })
      log(`  ${bundler}: failed: ${(error as Error).message}`)
    }
  }
  return results
}
