// The fixture libraries (fixtures/lib-*), each built by its own bundler with popylar's one config line,
// loaded by real Node programs: each build works, and sends exactly one valid event per process to a
// local collector, unless the person running the program opted out. Also the Node programs that bundle
// a "sideEffects": false library themselves (fixtures/consumer-*). turbo builds all of them first.
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { startCollector, type Collector, type ReceivedEvent, type ReceivedRequest } from '@popylar/tools/collector'
import {
  CONSUMER_APPS,
  FIXTURE_LIBRARIES,
  FIXTURE_MEASUREMENT_ID,
  TREE_SHAKEN_MARKER,
  allFixtureFiles,
  assertBuilt,
  fixtureLibrary,
  type ConsumerApp,
  type FixtureLibrary,
  type LibraryOutput,
} from './support/fixtures.js'
import { loadLibraries, runProgram, type LoadOptions, type LoadResult } from './support/load-libraries.js'
import { requestsAfterExit } from './support/requests-after-exit.js'

let collector: Collector

before(async () => {
  assertBuilt(...allFixtureFiles())
  collector = await startCollector()
})
after(() => collector?.close())
beforeEach(() => collector.clear())

function describeOutput(library: FixtureLibrary, output: LibraryOutput): string {
  return `${library.folder} ${output.entry ?? output.format}`
}

/** For failure messages: what did arrive. */
function summary(requests: ReceivedRequest[]): string {
  return JSON.stringify(
    requests.map((request) => ({ events: request.events, problems: request.problems })),
    null,
    1,
  )
}

function load(outputs: LibraryOutput[], options: Partial<LoadOptions> = {}): Promise<LoadResult> {
  return loadLibraries(outputs, { endpoint: collector.url, ...options })
}

/** The program ran, every function returned what it should, and nothing was printed besides its own output. */
function assertWorked(result: LoadResult, outputs: LibraryOutput[]): void {
  assert.equal(result.code, 0, `the program failed:\n${result.stderr}`)
  assert.deepEqual(
    result.returned,
    outputs.map((output) => output.returns),
  )
  assert.equal(result.stderr, '', 'the program printed to stderr')
}

/** One request, for the fixtures' property, valid by GA4's rules. */
function assertOneValidRequest(requests: ReceivedRequest[]): ReceivedRequest {
  assert.equal(requests.length, 1, `expected exactly one request, got:\n${summary(requests)}`)
  const [request] = requests as [ReceivedRequest]
  assert.equal(request.measurementId, FIXTURE_MEASUREMENT_ID)
  assert.deepEqual(request.problems, [], 'the request breaks GA4 rules')
  return request
}

function assertImportEvent(
  event: ReceivedEvent | undefined,
  library: { packageName: string; packageVersion: string },
): void {
  assert.ok(event, `no event for ${library.packageName}`)
  assert.equal(event.name, 'import')
  assert.equal(event.params.package_name, library.packageName)
  assert.equal(event.params.package_version, library.packageVersion)
  assert.equal(event.params.runtime, 'node')
}

describe('each build of each fixture library', () => {
  for (const library of FIXTURE_LIBRARIES) {
    for (const output of library.outputs) {
      test(`${library.bundler}: ${describeOutput(library, output)} works and sends one valid import event`, async () => {
        const result = await load([output])
        assertWorked(result, [output])
        const request = assertOneValidRequest(await requestsAfterExit(collector, 1))
        assert.equal(request.events.length, 1, `expected one event, got:\n${summary([request])}`)
        assertImportEvent(request.events[0], library)
      })
    }
  }
})

describe('one event per library per process', () => {
  for (const library of FIXTURE_LIBRARIES.filter(({ outputs }) => outputs.length > 1)) {
    const what = library.outputs.map((output) => output.entry ?? output.format).join(' and ')
    test(`${library.folder}: loading ${what} in one process sends one event`, async () => {
      const result = await load(library.outputs)
      assertWorked(result, library.outputs)
      const request = assertOneValidRequest(await requestsAfterExit(collector, 1))
      assert.equal(request.events.length, 1, `expected one event, got:\n${summary([request])}`)
      assertImportEvent(request.events[0], library)
    })
  }

  test('two different libraries in one process: one request holding both events', async () => {
    const vite = fixtureLibrary('lib-vite')
    const webpack = fixtureLibrary('lib-webpack')
    const outputs = [vite.outputs.find((o) => o.format === 'esm')!, webpack.outputs.find((o) => o.format === 'cjs')!]
    const result = await load(outputs)
    assertWorked(result, outputs)
    const request = assertOneValidRequest(await requestsAfterExit(collector, 1))
    assert.equal(request.events.length, 2, `expected two events, got:\n${summary([request])}`)
    assertImportEvent(
      request.events.find((event) => event.params.package_name === vite.packageName),
      vite,
    )
    assertImportEvent(
      request.events.find((event) => event.params.package_name === webpack.packageName),
      webpack,
    )
  })

  test('every fixture library, each build, in one process: one request, one event per library', async () => {
    const outputs = FIXTURE_LIBRARIES.flatMap((library) => library.outputs)
    const result = await load(outputs)
    assertWorked(result, outputs)
    const request = assertOneValidRequest(await requestsAfterExit(collector, 1))
    const names = request.events.map((event) => String(event.params.package_name)).sort()
    assert.deepEqual(names, FIXTURE_LIBRARIES.map((library) => library.packageName).sort())
    for (const library of FIXTURE_LIBRARIES)
      assertImportEvent(
        request.events.find((event) => event.params.package_name === library.packageName),
        library,
      )
  })
})

describe('a person who opted out: nothing sent, nothing printed, by any build', () => {
  const everyOutput = FIXTURE_LIBRARIES.flatMap((library) => library.outputs.map((output) => ({ library, output })))

  async function assertSilentEverywhere(options: Partial<LoadOptions>): Promise<void> {
    // Each build in a process of its own, all at once: nothing may arrive, so no request needs telling apart.
    const results = await Promise.all(everyOutput.map(({ output }) => load([output], options)))
    results.forEach((result, i) => {
      const { library, output } = everyOutput[i]!
      assert.equal(result.code, 0, `${describeOutput(library, output)} failed:\n${result.stderr}`)
      assert.equal(
        result.stdout,
        `${JSON.stringify([output.returns])}\n`,
        `${describeOutput(library, output)} printed more than its own output`,
      )
      assert.equal(result.stderr, '', `${describeOutput(library, output)} printed to stderr`)
    })
    const requests = await requestsAfterExit(collector, 0)
    assert.equal(requests.length, 0, `an opted-out run sent:\n${summary(requests)}`)
  }

  test('DO_NOT_TRACK=1', () => assertSilentEverywhere({ env: { DO_NOT_TRACK: '1' } }))

  test('{"track": false} in popylar/config.json', () => assertSilentEverywhere({ config: { track: false } }))
})

describe('a Node program that bundles a "sideEffects": false library and imports one function from it', () => {
  const library = fixtureLibrary('lib-side-effects-free')

  async function assertAppSendsTheLibrarysEvent(app: ConsumerApp): Promise<void> {
    const result = await runProgram(app.file, { endpoint: collector.url })
    assert.equal(result.code, 0, `the program failed:\n${result.stderr}`)
    assert.equal(result.stdout, app.prints)
    assert.equal(result.stderr, '')
    const request = assertOneValidRequest(await requestsAfterExit(collector, 1))
    assert.equal(request.events.length, 1, `expected one event, got:\n${summary([request])}`)
    assertImportEvent(request.events[0], library)
  }

  function assertTreeShaken(app: ConsumerApp): void {
    assert.ok(
      !readFileSync(app.file, 'utf8').includes(TREE_SHAKEN_MARKER),
      `${app.file} still holds the unused function: the test would prove nothing about tree-shaking`,
    )
  }

  test(`${CONSUMER_APPS.webpackDevelopment.label}: the library's event is sent`, () =>
    assertAppSendsTheLibrarysEvent(CONSUMER_APPS.webpackDevelopment))

  test(`${CONSUMER_APPS.webpackProductionRuntimeNodeEnv.label}: tree-shaken, and the library's event is still sent`, async () => {
    assertTreeShaken(CONSUMER_APPS.webpackProductionRuntimeNodeEnv)
    await assertAppSendsTheLibrarysEvent(CONSUMER_APPS.webpackProductionRuntimeNodeEnv)
  })

  test(`${CONSUMER_APPS.viteSsr.label}: tree-shaken, and the library's event is still sent`, async () => {
    assertTreeShaken(CONSUMER_APPS.viteSsr)
    await assertAppSendsTheLibrarysEvent(CONSUMER_APPS.viteSsr)
  })

  // As the README promises: a consumer's production build, NODE_ENV = "production", holds no
  // tracker. webpack's production mode compiles that in whatever the target, so a Node program loses it too.
  test(`${CONSUMER_APPS.webpackProduction.label}: NODE_ENV=production is compiled in, so no tracker code and nothing sent`, async () => {
    const app = CONSUMER_APPS.webpackProduction
    assert.ok(!readFileSync(app.file, 'utf8').includes(FIXTURE_MEASUREMENT_ID), `${app.file} still holds the tracker`)
    const result = await runProgram(app.file, { endpoint: collector.url })
    assert.equal(result.code, 0, `the program failed:\n${result.stderr}`)
    assert.equal(result.stdout, app.prints)
    const requests = await requestsAfterExit(collector, 0)
    assert.equal(requests.length, 0, `sent:\n${summary(requests)}`)
  })
})
