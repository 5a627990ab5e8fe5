// `npm run demo`: every built fixture library, each output format, imported by a fresh Node process
// on a "new machine" (an empty home), with a local stand-in for Google Analytics on 127.0.0.1. Prints
// what arrived, then shows that an opted-out run sends nothing, and ends with the report that popylar-ga
// makes of what was sent. Exits 1 if an expected event is missing.
import { startCollector, type Collector, type ReceivedEvent, type ReceivedRequest } from '@popylar/tools/collector'
import {
  CONSUMER_APPS,
  FIXTURE_LIBRARIES,
  FIXTURE_MEASUREMENT_ID,
  allFixtureFiles,
  assertBuilt,
  fixtureLibrary,
  type LibraryOutput,
} from '../test/support/fixtures.js'
import { loadLibraries, runProgram } from '../test/support/load-libraries.js'
import { requestsAfterExit } from '../test/support/requests-after-exit.js'
import type { RunResult } from '../test/support/run.js'
import { reportWhatWasSent } from './demo-report.js'

interface Row {
  bundler: string
  format: string
  packageName: string
  event: string
  params: string
  valid: string
  problem?: string
}

/** The demo waits less than the tests: it shows what arrived, it does not prove that nothing more did. */
const QUIET_MS = 50

/** Everything but the package, which has a column of its own. */
function paramsSummary(event: ReceivedEvent): string {
  const { package_name, package_version, runtime, runtime_version, os, arch, ci, ...rest } = event.params
  const extra = Object.entries(rest).map(([name, value]) => `${name}=${value}`)
  return [`${runtime} ${runtime_version}`, `${os}/${arch}`, `ci=${ci}`, ...extra].join(', ')
}

/** One row for one program that should have sent the package's event. */
function rowFor(
  bundler: string,
  format: string,
  expected: { packageName: string; packageVersion: string },
  result: RunResult,
  okOutput: boolean,
  requests: ReceivedRequest[],
): Row {
  const packageName = `${expected.packageName}@${expected.packageVersion}`
  const row: Row = { bundler, format, packageName, event: '-', params: '-', valid: '-' }
  if (result.code !== 0 || !okOutput)
    return { ...row, problem: `the program failed or printed something unexpected:\n${result.stdout}${result.stderr}` }
  const request = requests[0]
  const event = request?.events[0]
  if (!request || !event) return { ...row, problem: 'no event arrived' }
  const valid = request.problems.length === 0
  const filled = { ...row, event: event.name, params: paramsSummary(event), valid: valid ? 'yes' : 'no' }
  if (requests.length !== 1 || request.events.length !== 1)
    return { ...filled, problem: `expected one event, got ${requests.flatMap((r) => r.events).length}` }
  if (
    request.measurementId !== FIXTURE_MEASUREMENT_ID ||
    event.params.package_name !== expected.packageName ||
    event.params.package_version !== expected.packageVersion
  ) {
    return { ...filled, problem: `unexpected event: ${request.measurementId} ${JSON.stringify(event)}` }
  }
  if (!valid) return { ...filled, problem: request.problems.map((p) => p.description).join('; ') }
  return filled
}

async function libraryRow(
  collector: Collector,
  library: (typeof FIXTURE_LIBRARIES)[number],
  output: LibraryOutput,
): Promise<Row> {
  collector.clear()
  const result = await loadLibraries([output], { endpoint: collector.url })
  const requests = await requestsAfterExit(collector, 1, { quietMs: QUIET_MS })
  const format = output.entry ? `${output.format} (${output.entry})` : output.format
  return rowFor(library.bundler, format, library, result, result.returned?.[0] === output.returns, requests)
}

async function consumerRow(
  collector: Collector,
  app: (typeof CONSUMER_APPS)[keyof typeof CONSUMER_APPS],
  format: string,
): Promise<Row> {
  collector.clear()
  const result = await runProgram(app.file, { endpoint: collector.url })
  const requests = await requestsAfterExit(collector, 1, { quietMs: QUIET_MS })
  return rowFor(
    `${app.bundler} app`,
    format,
    fixtureLibrary('lib-side-effects-free'),
    result,
    result.stdout === app.prints,
    requests,
  )
}

function table(rows: Row[]): string {
  const header: Row = {
    bundler: 'bundler',
    format: 'format',
    packageName: 'package',
    event: 'event',
    params: 'params',
    valid: 'valid by GA4 rules',
  }
  const columns = ['bundler', 'format', 'packageName', 'event', 'params', 'valid'] as const
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)))
  const line = (row: Row) =>
    '  ' +
    columns
      .map((column, i) => row[column].padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), `  ${widths.map((width) => '─'.repeat(width)).join('  ')}`, ...rows.map(line)].join('\n')
}

async function main(): Promise<number> {
  assertBuilt(...allFixtureFiles())
  // Every request of the run, kept past the collector.clear() between programs, for the report at the end.
  const sentDuringDemo: ReceivedRequest[] = []
  const collector = await startCollector({ onRequest: (request) => sentDuringDemo.push(request) })
  try {
    console.log(`popylar demo: a local stand-in for Google Analytics listens on ${collector.url}`)
    console.log('Each build below is loaded by a fresh Node process, on a machine that has never run popylar.\n')

    const libraryRows: Row[] = []
    for (const library of FIXTURE_LIBRARIES)
      for (const output of library.outputs) libraryRows.push(await libraryRow(collector, library, output))
    console.log('Fixture libraries, imported (esm) or required (cjs):')
    console.log(`${table(libraryRows)}\n`)

    const consumerRows = [
      await consumerRow(collector, CONSUMER_APPS.webpackDevelopment, 'cjs (development)'),
      await consumerRow(collector, CONSUMER_APPS.viteSsr, 'esm (SSR build)'),
    ]
    console.log('Node programs that bundle the "sideEffects": false library and use one function of it:')
    console.log(`${table(consumerRows)}\n`)

    collector.clear()
    const optedOut = fixtureLibrary('lib-vite').outputs[0]!
    const result = await loadLibraries([optedOut], { endpoint: collector.url, env: { DO_NOT_TRACK: '1' } })
    const sent = await requestsAfterExit(collector, 0)
    const silent = result.code === 0 && result.stderr === '' && sent.length === 0
    console.log(
      `Opted out: DO_NOT_TRACK=1, then import ${fixtureLibrary('lib-vite').packageName}: ${sent.length} requests arrived, ${result.stderr ? `printed: ${result.stderr.trim()}` : 'nothing printed'}.\n`,
    )

    const failed = [...libraryRows, ...consumerRows].filter((row) => row.problem)
    for (const row of failed) console.log(`✘ ${row.bundler} ${row.format} ${row.packageName}: ${row.problem}`)
    if (!silent) console.log('✘ the opted-out run was not silent')
    const total = libraryRows.length + consumerRows.length
    if (failed.length || !silent) return 1
    console.log(
      `✔ ${total} of ${total} programs sent their one event, all valid by GA4's rules; the opted-out one sent nothing.\n`,
    )
    return (await reportWhatWasSent(sentDuringDemo)) ? 0 : 1
  } finally {
    await collector.close()
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  },
)
