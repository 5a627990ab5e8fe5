// Runs built library code in a fresh Node process pointed at the local collector, and reports what the
// collector received. The child process exits before we look, so the events counted are all it sent.
import assert from 'node:assert/strict'
import { pathToFileURL } from 'node:url'
import type { TestContext } from 'node:test'
import { startCollector, type Collector, type ReceivedEvent, type ReceivedRequest } from '@popylar/tools/collector'
import { freshHome, run, type RunResult } from './run.js'

/** A collector closed when the test ends. */
export async function collectorFor(t: TestContext): Promise<Collector> {
  const collector = await startCollector()
  t.after(() => collector.close())
  return collector
}

/** A script that imports the given bundles, one after the other (ESM and CJS bundles alike). */
export function importScript(files: string[]): string {
  return files.map((file) => `await import(${JSON.stringify(pathToFileURL(file).href)});`).join('\n')
}

export interface TrackedRun {
  result: RunResult
  requests: ReceivedRequest[]
  events: Array<ReceivedEvent & { request: ReceivedRequest }>
}

/** Time for a request written just before the child exited to be read by the collector. */
const ARRIVAL_MS = 100

/**
 * Runs node with args (e.g. a script) in a fresh home, POPYLAR_ENDPOINT at the collector. Waits for
 * `requests` requests (default 1), then a moment more so that a surplus would be seen too.
 */
export async function runTracked(
  collector: Collector,
  args: string[],
  options: { requests?: number; env?: Record<string, string>; cwd?: string } = {},
): Promise<TrackedRun> {
  const home = freshHome()
  collector.clear()
  const result = await run(process.execPath, args, {
    cwd: options.cwd ?? home.cwd,
    env: { ...home.env, POPYLAR_ENDPOINT: collector.url, ...options.env },
  })
  assert.equal(result.code, 0, `the program failed (${result.code} ${result.signal}):\n${result.stderr}`)
  const expected = options.requests ?? 1
  if (expected > 0) await collector.waitForRequests(expected, 5000)
  await new Promise((resolve) => setTimeout(resolve, ARRIVAL_MS))
  return { result, requests: [...collector.requests], events: collector.events() }
}

/** Imports the bundles in one fresh process. */
export function importTracked(
  collector: Collector,
  files: string[],
  options: { requests?: number; env?: Record<string, string> } = {},
): Promise<TrackedRun> {
  return runTracked(collector, ['--input-type=module', '-e', importScript(files)], options)
}

/** The one import event that the bundle sent; fails unless there was exactly one. */
export async function singleImportEvent(
  collector: Collector,
  file: string,
): Promise<ReceivedEvent & { request: ReceivedRequest }> {
  const { events, requests } = await importTracked(collector, [file])
  assert.equal(
    events.length,
    1,
    `expected one event, got ${JSON.stringify(events.map(({ request, ...event }) => event))}`,
  )
  assert.deepEqual(requests[0]!.problems, [], 'the request breaks no GA4 rule')
  return events[0]!
}
