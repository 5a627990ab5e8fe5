// Libraries are loaded by test runners too, and Jest is the hard case: it runs each test file in a vm
// context of its own (fresh globals, a copy of process), cleans up what a test file left on its globals,
// can fake the timers, and its jsdom environment lacks some of Node's globals. Bun's runner fakes every
// setTimeout. The library is still counted once per process, and its tracker stays out of the tests'
// sight: every test passes, and the runner shows nothing of it.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { tinyLibrary } from './support/library.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { run } from './support/run.js'
import { bunRuntime } from './support/runtimes.js'
import { tempHome } from './support/temp-home.js'
import { collectorFor } from './support/tracked-run.js'
import type { ReceivedEvent } from '@popylar/tools/collector'

const { resolve } = createRequire(import.meta.url)
const JEST = resolve('jest/bin/jest')
/** What a test runner's output must not hold: the tracker's console output, errors or warnings. */
const TRACKER_SHOWS = /console\.|Error|Warning/

interface JestRun {
  /** The test files, given the path of the library's CommonJS build as a JS string literal. */
  files: (library: string) => Record<string, string>
  /** The collector's URL, compiled into the library; else a local collector. */
  endpoint?: string
  /** Jest's jsdom environment (a document, and still a copy of Node's process) instead of its node one. */
  jsdom?: boolean
  /** Jest's globalsCleanup: what it does, between test files, to the objects a test file set on its globals (default 'soft': warn on access). */
  globalsCleanup?: 'on' | 'soft'
}

/**
 * Runs Jest on the test files in one process (as on a one-core machine, or with --runInBand), checks that
 * every test passed and that Jest shows no console output, error or warning; returns the events that arrived at
 * the local collector (none when the library was compiled with an endpoint of its own).
 */
async function jestRun(t: TestContext, { files, endpoint, jsdom, globalsCleanup }: JestRun): Promise<ReceivedEvent[]> {
  const library = await tinyLibrary(t, { name: 'tiny-lib', plugin: endpoint ? { endpoint } : {} })
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const sources = files(JSON.stringify(library.cjs))
  const config = {
    testMatch: ['**/*.test.cjs'],
    testEnvironment: jsdom ? resolve('jest-environment-jsdom') : 'node',
    testEnvironmentOptions: { globalsCleanup },
  }
  writeFileSync(join(home.cwd, 'package.json'), JSON.stringify({ name: 'app', private: true, jest: config }))
  for (const [name, source] of Object.entries(sources)) writeFileSync(join(home.cwd, name), source)
  const result = await run(process.execPath, [JEST, '--runInBand'], {
    env: { ...home.env, POPYLAR_ENDPOINT: endpoint ? undefined : collector.url },
    cwd: home.cwd,
  })
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, new RegExp(`Tests:\\s+${Object.keys(sources).length} passed`))
  assert.doesNotMatch(result.stdout + result.stderr, TRACKER_SHOWS)
  const requests = await requestsAfterExit(collector, endpoint ? 0 : 1)
  return requests.flatMap((request) => request.events)
}

const packageNames = (events: ReceivedEvent[]) => events.map((event) => event.params.package_name)

/** A test file that fakes the timers before it loads the library, and checks, once the tracker has had time to send, that no fake timer is pending. */
const fakeTimersTest = (library: string) => ({
  'fake-timers.test.cjs': `jest.useFakeTimers()\nconst { greet } = require(${library})\ntest('no pending timers', async () => {\n  expect(greet('x')).toBe('hello x')\n  await new Promise((resolve) => jest.requireActual('node:timers').setTimeout(resolve, 300))\n  expect(jest.getTimerCount()).toBe(0)\n})\n`,
})

/** Three test files that each load the library and test it at once: Jest tears each one down before the tracker's flush runs. */
const threeTestFiles = (library: string) => {
  const files: Record<string, string> = {}
  for (const name of ['first', 'second', 'third'])
    files[`${name}.test.cjs`] =
      `const { greet } = require(${library})\ntest('${name}', () => expect(greet('x')).toBe('hello x'))\n`
  return files
}

// At teardown Jest 30 wraps what a test file set on its globals in getters that warn (soft, the default) or deletes it (on).
for (const globalsCleanup of ['soft', 'on'] as const) {
  test(`Jest loads the library afresh for every test file, and cleans up each one's globals (${globalsCleanup}): one event for the process, and nothing shows`, async (t) => {
    assert.deepEqual(packageNames(await jestRun(t, { files: threeTestFiles, globalsCleanup })), ['tiny-lib'])
  })
}

test("a test file with Jest's fake timers sees no timer of the tracker's, and the event still goes out", async (t) => {
  assert.deepEqual(packageNames(await jestRun(t, { files: fakeTimersTest })), ['tiny-lib'])
})

/** A TLS endpoint on loopback that accepts connections and never says a word: the tracker keeps watching its unwritten request. */
async function silentEndpoint(t: TestContext): Promise<string> {
  const sockets = new Set<Socket>()
  const silent = createServer((socket) => void sockets.add(socket))
  t.after(() => {
    for (const socket of sockets) socket.destroy()
    silent.close()
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  return `https://127.0.0.1:${(silent.address() as AddressInfo).port}`
}

test("a test file with Jest's fake timers, while the tracker waits on a TLS handshake that never ends: no timer of the tracker's in sight", async (t) => {
  await jestRun(t, { files: fakeTimersTest, endpoint: await silentEndpoint(t) })
})

/** A test file for the jsdom environment: it waits long enough for the tracker to send, or to give up watching. */
const jsdomTest = (library: string) => ({
  'component.test.cjs': `const { greet } = require(${library})\ntest('renders', async () => {\n  document.body.textContent = greet('x')\n  await new Promise((resolve) => setTimeout(resolve, 300))\n  expect(document.body.textContent).toBe('hello x')\n})\n`,
})

test("Jest's jsdom environment, which has a document and a copy of Node's process: counted as Node, and nothing shows", async (t) => {
  const events = await jestRun(t, { files: jsdomTest, jsdom: true })
  assert.deepEqual(packageNames(events), ['tiny-lib'])
  assert.equal(events[0]!.params.runtime, 'node')
})

test("Jest's jsdom environment, whose timers have no unref, while a TLS handshake never ends: nothing shows", async (t) => {
  await jestRun(t, { files: jsdomTest, jsdom: true, endpoint: await silentEndpoint(t) })
})

test("bun test with Bun's fake timers, which take over every setTimeout: no timer of the tracker's in sight, and the event still goes out", async (t) => {
  const [bun, library, collector] = await Promise.all([
    bunRuntime(),
    tinyLibrary(t, { name: 'tiny-lib' }),
    collectorFor(t),
  ])
  const home = tempHome(t)
  // Real time passes in a child process: Bun's fake timers hold back every timer of the test's.
  const test = `const { test, expect, jest } = require('bun:test')\njest.useFakeTimers()\nconst { greet } = require(${JSON.stringify(library.cjs)})\ntest('no pending timers', async () => {\n  expect(greet('x')).toBe('hello x')\n  await new Promise((resolve) => require('node:child_process').execFile('sleep', ['0.3'], resolve))\n  expect(jest.getTimerCount()).toBe(0)\n})\n`
  writeFileSync(join(home.cwd, 'fake-timers.test.js'), test)
  const result = await run(bun.binary, ['test'], {
    env: { ...home.env, POPYLAR_ENDPOINT: collector.url },
    cwd: home.cwd,
  })
  assert.equal(result.code, 0, result.stderr)
  assert.match(result.stderr, /\b1 pass\b[\s\S]*\b0 fail\b/)
  assert.doesNotMatch(result.stdout + result.stderr, TRACKER_SHOWS)
  assert.deepEqual(packageNames((await requestsAfterExit(collector, 1)).flatMap((request) => request.events)), [
    'tiny-lib',
  ])
})
