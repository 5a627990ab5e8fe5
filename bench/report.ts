// The table: every figure against its goal, said plainly; printed, and written to bench/RESULTS.md.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BatchingResult } from './batching.js'
import type { BuildOverheadResult } from './build-overhead.js'
import { CARRIER_WORKS_MS, type ExitDelayResult } from './exit-delay.js'
import type { HookCallsResult } from './hook-calls.js'
import type { ImportCostResult } from './import-cost.js'
import type { Machine } from './machine.js'
import { JUNK_FILES, type OutboxCostResult } from './outbox-cost.js'
import { BENCH_DIR } from './paths.js'
import type { ConsumerSize, FormatSize } from './size.js'
import type { Comparison, Summary } from './stats.js'

export type Status = 'ok' | 'MISSED' | 'not measured' | 'no goal'

export interface Row {
  figure: string
  measured: string
  goal: string
  status: Status
  /** Medians, spreads and counts behind the figure. */
  detail: string
}

export interface Results {
  machine: Machine
  totalSeconds: number
  loadAtEnd: number
  buildOverhead?: BuildOverheadResult[] | Error
  hookCalls?: HookCallsResult[] | Error
  importCost?: ImportCostResult | Error
  outboxCost?: OutboxCostResult | Error
  exitDelay?: ExitDelayResult[] | Error
  sizes?: { formats: FormatSize[]; consumers: ConsumerSize[] } | Error
  batching?: BatchingResult | Error
}

export const GOALS = {
  buildOverhead: 0.03,
  importCostMs: 0.5,
  outboxCostMs: 1,
  exitDelayMs: 20,
  delivery: 0.99,
  trackerGzipBytes: 2048,
  batchingRequests: 1,
  batchingSyncMs: 2,
}

const ms = (value: number) => (Math.abs(value) < 10 ? value.toFixed(2) : value.toFixed(0))
const signed = (value: number, text: string) => (value >= 0 ? '+' : '−') + text.replace(/^-/, '')
const percent = (ratio: number) => signed(ratio, `${(ratio * 100).toFixed(1)}%`)
const spread = (s: Summary) => `${ms(s.median)} ms [${ms(s.p25)}–${ms(s.p75)}]`
const versus = (c: Comparison) => `plain ${spread(c.a)} → with popylar ${spread(c.b)}, n=${c.a.n}+${c.b.n}`
const check = (ok: boolean): Status => (ok ? 'ok' : 'MISSED')

function failed(figure: string, goal: string, error: Error): Row {
  return {
    figure,
    measured: 'error',
    goal,
    status: 'not measured',
    detail: error.message.split('\n')[0]!.slice(0, 300),
  }
}

function buildOverheadRows(results: BuildOverheadResult[] | Error | undefined): Row[] {
  const goal = `≤ ${GOALS.buildOverhead * 100}%`
  if (!results) return []
  if (results instanceof Error) return [failed('build overhead', goal, results)]
  return results.map((r) => {
    const figure = `build overhead: ${r.bundler}`
    if (r.error || !r.process || !r.processBlocks || !r.build)
      return failed(figure, goal, new Error(r.error ?? 'no result'))
    const blocks = r.processBlocks
    return {
      figure,
      measured: percent(blocks.median),
      goal,
      status: check(blocks.median <= GOALS.buildOverhead),
      detail:
        `the whole build process, with / without popylar in each block of four builds back to back: ${percent(blocks.median)} [${percent(blocks.p25)} to ${percent(blocks.p75)}]; ` +
        `medians apart ${percent(r.process.ratio)}: ${versus(r.process)}; build call alone ${percent(r.build.ratio)} (${ms(r.build.a.median)} → ${ms(r.build.b.median)} ms); ` +
        (r.processCpu
          ? `CPU time of the process ${percent(r.processCpu.ratio)} (${ms(r.processCpu.a.median)} → ${ms(r.processCpu.b.median)} ms); `
          : '') +
        `loading the plugin ${ms(r.pluginLoad!.median)} ms` +
        (r.reducedRuns ? `; ${r.runs} runs each, not 7: ${r.reducedRuns}` : ''),
    }
  })
}

/** Every counter in hookStats is work done (its names change with the plugin's design). */
const work = (stats?: Record<string, number>) => (stats ? Object.values(stats).reduce((sum, n) => sum + n, 0) : NaN)
const showStats = (stats: Record<string, number>) =>
  Object.entries(stats)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ')

function hookCallRows(results: HookCallsResult[] | Error | undefined): Row[] {
  const goal = '∝ entries, not modules'
  if (!results) return []
  if (results instanceof Error) return [failed('hook calls that do work', goal, results)]
  return results.map((r) => {
    const figure = `hook calls doing work: ${r.bundler}`
    if (r.error || !r.oneEntry || !r.twoEntries) return failed(figure, goal, new Error(r.error ?? 'no hookStats'))
    const one = work(r.oneEntry)
    const two = work(r.twoEntries)
    const all = (calls?: Record<string, number>) => (calls ? Object.values(calls).reduce((sum, n) => sum + n, 0) : NaN)
    const byHook = (calls?: Record<string, number>) =>
      Object.entries(calls ?? {})
        .map(([hook, n]) => `${hook} ${n}`)
        .join(', ')
    return {
      figure,
      measured: `${one} → ${two} (all calls: ${all(r.callsOneEntry)} → ${all(r.callsTwoEntries)})`,
      goal,
      // Work per entry is a small constant and never grows with the 2,000 modules.
      status: check(one <= 4 && two <= 2 * one),
      detail:
        `work (hookStats) with 1 entry → 2 entries: ${showStats(r.oneEntry)} → ${showStats(r.twoEntries)}; ` +
        `every call the bundler makes into the plugin, most returning at once: 1 entry ${byHook(r.callsOneEntry)}; 2 entries ${byHook(r.callsTwoEntries)}`,
    }
  })
}

function importCostRows(result: ImportCostResult | Error | undefined): Row[] {
  const goal = `≤ ${GOALS.importCostMs} ms added`
  if (!result) return []
  if (result instanceof Error) return [failed('import cost', goal, result)]
  const added = result.import.difference
  return [
    {
      figure: 'import cost (synchronous, warm)',
      measured: signed(added, `${ms(added)} ms`),
      goal,
      status: check(added <= GOALS.importCostMs),
      detail: `${versus(result.import)} (${result.warmup} warm-up pairs dropped); each import a first import of a fresh copy under a new package name`,
    },
    {
      figure: 'main-thread work deferred after the import',
      measured: signed(result.deferred.difference, `${ms(result.deferred.difference)} ms`),
      goal: '—',
      status: 'no goal',
      detail: `the send that runs in a timer once the import has returned: ${versus(result.deferred)}`,
    },
  ]
}

function outboxCostRows(result: OutboxCostResult | Error | undefined): Row[] {
  const figure = `outbox cost: ${JUNK_FILES.toLocaleString('en')} junk files`
  const goal = `≤ ${GOALS.outboxCostMs} ms added`
  if (!result) return []
  if (result instanceof Error) return [failed(figure, goal, result)]
  const added = result.deferred.difference
  return [
    {
      figure,
      measured: signed(added, `${ms(added)} ms`),
      goal,
      status: check(added <= GOALS.outboxCostMs),
      detail: `main-thread work after each import: empty outbox ${spread(result.deferred.a)} → ${JUNK_FILES} files in it ${spread(result.deferred.b)}, n=${result.deferred.a.n}+${result.deferred.b.n}; the imports themselves: ${spread(result.import.a)} → ${spread(result.import.b)}`,
    },
  ]
}

function exitDelayRows(results: ExitDelayResult[] | Error | undefined): Row[] {
  const goal = `≤ ${GOALS.exitDelayMs} ms added`
  if (!results) return []
  if (results instanceof Error) return [failed('exit delay', goal, results)]
  return results.map((r) => {
    const figure = `exit delay: ${r.state.label}`
    if (!r.wall) return { figure, measured: 'not measured', goal, status: 'not measured', detail: r.notMeasured ?? '' }
    const added = r.wall.difference
    const note = r.misbehaved ? `; ${r.misbehaved} instrumented runs printed something or failed` : ''
    return {
      figure,
      measured: signed(added, `${ms(added)} ms`),
      goal,
      status: check(added <= GOALS.exitDelayMs && !r.misbehaved),
      detail: versus(r.wall) + note,
    }
  })
}

function deliveryRows(results: ExitDelayResult[] | Error | undefined): Row[] {
  const goal = `≥ ${GOALS.delivery * 100}%`
  if (!results || results instanceof Error) return []
  return results.map((r) => {
    const figure = `delivery: ${r.state.label}`
    const rowGoal = r.state.answersInTime ? goal : '—'
    if (!r.delivery) {
      const why = r.notMeasured ? `not measured: ${r.notMeasured}` : 'no collector can be reached in this state'
      return {
        figure,
        measured: r.notMeasured ? 'not measured' : 'n/a',
        goal: rowGoal,
        status: r.state.answersInTime ? 'not measured' : 'no goal',
        detail: why,
      }
    }
    const d = r.delivery
    const share = (d.direct + d.carried) / d.runs
    return {
      figure,
      measured: `${(share * 100).toFixed(0)}%`,
      goal: rowGoal,
      status: r.state.answersInTime ? check(share >= GOALS.delivery) : 'no goal',
      detail: `${d.direct + d.carried} of ${d.runs} programs: ${d.direct} sent their own, ${d.carried} carried by the next run in the same home${d.duplicates ? `; ${d.duplicates} duplicates` : ''}`,
    }
  })
}

function sizeRows(sizes: { formats: FormatSize[]; consumers: ConsumerSize[] } | Error | undefined): Row[] {
  const goal = `≤ ${GOALS.trackerGzipBytes} B gzipped`
  if (!sizes) return []
  if (sizes instanceof Error) return [failed('bundle size', goal, sizes)]
  const rows: Row[] = []
  for (const bundler of [...new Set(sizes.formats.map((f) => f.bundler))]) {
    const mine = sizes.formats.filter((f) => f.bundler === bundler)
    const broken = mine.filter((f) => f.error)
    const worst = Math.max(...mine.filter((f) => !f.error).map((f) => f.addedGzip))
    rows.push({
      figure: `bundle size: ${bundler} library`,
      measured: `+${worst} B`,
      goal,
      status: broken.length ? 'not measured' : check(worst <= GOALS.trackerGzipBytes),
      detail: mine
        .map((f) =>
          f.error
            ? `${f.format}: ${f.error}`
            : `${f.format} +${f.addedGzip} B gzipped (+${f.addedMinified} B minified; ${f.plainGzip} → ${f.trackedGzip} B)`,
        )
        .join('; '),
    })
  }
  for (const consumer of [...new Set(sizes.consumers.map((c) => c.consumer))]) {
    const mine = sizes.consumers.filter((c) => c.consumer === consumer)
    const worst = mine.filter((c) => !c.error).reduce((max, c) => Math.max(max, c.addedBytes), 0)
    const left = mine.filter((c) => c.trackerLeft)
    const grown = mine.filter((c) => !c.error && c.addedBytes !== 0)
    const broken = mine.filter((c) => c.error)
    rows.push({
      figure: `production browser bundle: ${consumer} app`,
      measured: `+${worst} B`,
      goal: '0 B',
      status: broken.length ? 'not measured' : check(!grown.length && !left.length),
      detail:
        (grown.length
          ? grown.map((c) => `library built by ${c.library}: +${c.addedBytes} B (+${c.addedGzip} B gzipped)`).join('; ')
          : `0 B for libraries built by ${mine.map((c) => c.library).join(', ')}`) +
        (left.length ? `; tracker code left in: ${left.map((c) => c.library).join(', ')}` : '') +
        (broken.length ? `; failed: ${broken.map((c) => `${c.library}: ${c.error}`).join('; ')}` : ''),
    })
  }
  return rows
}

function batchingRows(result: BatchingResult | Error | undefined): Row[] {
  if (!result) return []
  if (result instanceof Error) return [failed('batching', '1 request; ≤ 2 ms', result)]
  const requests = result.runs.map((r) => r.requests)
  const events = result.runs.map((r) => r.events)
  const oneEach = requests.every((n) => n === GOALS.batchingRequests)
  return [
    {
      figure: 'batching: requests from 20 libraries',
      measured: oneEach ? '1 request' : `${Math.min(...requests)}–${Math.max(...requests)} requests`,
      goal: '1 request',
      status: check(oneEach && events.every((n) => n === 20)),
      detail: `${result.runs.length} whole-process runs: requests ${requests.join(', ')}; events ${events.join(', ')}`,
    },
    {
      figure: 'batching: sync cost of 20 imports',
      measured: signed(result.sync.difference, `${ms(result.sync.difference)} ms`),
      goal: `≤ ${GOALS.batchingSyncMs} ms added`,
      status: check(result.sync.difference <= GOALS.batchingSyncMs),
      detail: `importing a program with 20 libraries: ${versus(result.sync)}`,
    },
  ]
}

export function tableRows(results: Results): Row[] {
  return [
    ...buildOverheadRows(results.buildOverhead),
    ...hookCallRows(results.hookCalls),
    ...importCostRows(results.importCost),
    ...outboxCostRows(results.outboxCost),
    ...exitDelayRows(results.exitDelay),
    ...deliveryRows(results.exitDelay),
    ...sizeRows(results.sizes),
    ...batchingRows(results.batching),
  ]
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderTable(rows: Row[]): string {
  const lines = ['| figure | measured | goal | status |', '|---|---|---|---|']
  for (const row of rows)
    lines.push(
      `| ${cell(row.figure)} | ${cell(row.measured)} | ${cell(row.goal)} | ${row.status === 'MISSED' ? '**MISSED**' : row.status} |`,
    )
  return lines.join('\n')
}

export function renderDetails(rows: Row[]): string {
  return rows.map((row) => `- **${row.figure}**: ${row.detail}`).join('\n')
}

export function renderResults(results: Results, rows: Row[]): string {
  const m = results.machine
  const missed = rows.filter((row) => row.status === 'MISSED')
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.ts). Every figure is measured against a baseline in the same run:
plain build (A) and instrumented build (B), alternating, the median of each, the spread as [p25–p75].

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory, ${m.os}, Node ${m.node}.
Run: ${m.date}, commit ${m.commit}, ${results.totalSeconds.toFixed(0)} s in all; load average ${m.loadAtStart.toFixed(2)} at the start, ${results.loadAtEnd.toFixed(2)} at the end.

${missed.length ? `**${missed.length} goal${missed.length > 1 ? 's' : ''} missed**: ${missed.map((row) => row.figure).join('; ')}.` : 'Every measured goal is met.'}

${renderTable(rows)}

## How each figure was measured

- build overhead: the generated library (2,000 modules, bench/generate-library.ts) built to ESM, unminified, each build a fresh
  process, plain (A) and instrumented (B) in blocks of four back to back: A B B A. The figure is the median over the blocks of
  (B + B) / (A + A) - 1 for the whole process (spawn to exit, which includes loading the plugin). Within a block the machine's
  speed has not drifted (over minutes it drifts by more than the few percent measured) and neither side always runs second;
  the medians of each side, the build call alone and the CPU time are in the details.
- hook calls: \`hookStats\` from \`@popylar/core/plugin\` after one build with one entry (src/index.js) and one with two entries
  (plus src/extra.js; the same 2,000 modules), shown as work 1 entry → 2 entries; "all calls" counts every call into the plugin's
  hooks (the plugin rebuilt from \`popylarFactory\` with a counter on each hook).
- import cost: one process; \`performance.now()\` around \`await import()\` of a fresh copy of the small library (bench/small-library.ts),
  plain and instrumented alternating, each copy under its own package name so the tracker queues an event every time.
- outbox cost: one process importing fresh copies of the small library, each under its own package name, with
  XDG_CONFIG_HOME switched before each import between two config homes with the same client id: one whose outbox folder is
  empty (A), one whose outbox holds ${JUNK_FILES.toLocaleString('en')} files that are not events for this program (B: half of them
  names of no meaning, half events for other measurement ids). The figure is the main-thread work during the 40 ms after each
  import (\`performance.eventLoopUtilization\`), where the send and the look into the outbox run.
- exit delay: \`node program.mjs\` (a program whose only statement imports the library), spawn to exit, each run with a fresh home.
  Latency states go through tools/latency-proxy.ts, a user-space proxy: it delays the connection to the collector and every chunk,
  but not the TCP handshake, which the kernel completes at once. Over plain HTTP the request is then written at once and the proxy
  delivers it after the program has gone; the HTTPS states (library built for https://localhost:PORT, a TLS front with a certificate
  made for the run and trusted through NODE_EXTRA_CA_CERTS, tools/tls-front.ts) put the TLS handshake on the delayed link, so the
  request can be written only after real round trips, as to Google. Name-lookup states run inside a network namespace made by the
  bench, whose resolv.conf names a loopback server that answers NXDOMAIN or nothing (bench/netns.ts). Proxy states run the
  program in a network namespace with nothing but its loopback (tools/isolated-network.ts), HTTPS_PROXY or HTTP_PROXY naming a
  real proxy (the npm package proxy) on that loopback, which alone reaches the collector: the direct path is closed. A proxy that
  refuses is a closed port there; one that never answers accepts and stays silent (tools/http-proxy.ts).
- delivery: the same instrumented runs; each run's client id (one home each) names its event; then one more run in each home,
  a program that imports another instrumented library of the same author (the same measurement id and endpoint, which a kept
  event needs to leave) and keeps working for ${CARRIER_WORKS_MS / 1000} s (as a build, a test run or a
  server does), carries what the first could not write before it ended (the outbox, popylar/outbox/).
- bundle size: the small library built by each bundler in each format, plain and instrumented, all outputs minified by esbuild, gzipped
  (zlib default level); production browser bundle: an app importing the ESM build of each, bundled for the browser in production mode by each bundler.
- batching: 20 copies of the instrumented library under 20 package names, imported statically by one program.

## Details

${renderDetails(rows)}
`
}

export function writeResults(markdown: string): string {
  const file = join(BENCH_DIR, 'RESULTS.md')
  writeFileSync(file, markdown)
  return file
}
