// One event per package per process, however often and in however many copies a library is loaded;
// the events of one process go out in one request per measurement id.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { pathToFileURL } from 'node:url'
import type { Collector } from '@popylar/tools/collector'
import { tinyLibrary } from './support/library.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { run } from './support/run.js'
import { tempHome } from './support/temp-home.js'
import { collectorFor } from './support/tracked-run.js'

/**
 * One program that loads each file as an app does: ESM builds with static imports (a ?query makes Node
 * evaluate the module again, a fresh instance of the tracker), CJS builds with require().
 */
function loadingProgram(files: string[]): string {
  const lines = [`import { createRequire } from 'node:module'`, `const require = createRequire(import.meta.url)`]
  for (const file of files) {
    const [path, query] = file.split('?')
    lines.push(
      path!.endsWith('.cjs')
        ? `require(${JSON.stringify(path)})`
        : `import ${JSON.stringify(pathToFileURL(path!).href + (query ? `?${query}` : ''))}`,
    )
  }
  return lines.join('\n')
}

async function runLoading(t: TestContext, collector: Collector, files: string[]): Promise<void> {
  const home = tempHome(t)
  const result = await run(process.execPath, ['--input-type=module', '-e', loadingProgram(files)], {
    env: { ...home.env, POPYLAR_ENDPOINT: collector.url },
    cwd: home.cwd,
  })
  assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', ''])
}

test('one event for a library loaded many times, as ESM and CJS, and from two copies of the package', async (t) => {
  const library = await tinyLibrary(t, { name: 'tiny-lib' })
  const copy = await tinyLibrary(t, { name: 'tiny-lib' })
  const collector = await collectorFor(t)
  await runLoading(t, collector, [
    library.esm,
    library.cjs,
    `${library.esm}?again=1`,
    `${library.esm}?again=2`,
    copy.esm,
    copy.cjs,
    library.cjs,
  ])
  const requests = await requestsAfterExit(collector, 1)
  assert.equal(requests.length, 1)
  assert.deepEqual(
    requests[0]!.events.map((event) => event.params.package_name),
    ['tiny-lib'],
  )
})

test('two libraries with the same measurement id: one request with both events', async (t) => {
  const libraries = [await tinyLibrary(t, { name: 'lib-a' }), await tinyLibrary(t, { name: 'lib-b' })]
  const collector = await collectorFor(t)
  await runLoading(t, collector, [libraries[0]!.esm, libraries[1]!.cjs, libraries[0]!.cjs])
  const requests = await requestsAfterExit(collector, 1)
  assert.equal(requests.length, 1)
  assert.deepEqual(requests[0]!.events.map((event) => event.params.package_name).sort(), ['lib-a', 'lib-b'])
  assert.deepEqual(requests[0]!.problems, [])
})

test('libraries with different measurement ids: one request per id', async (t) => {
  const a = await tinyLibrary(t, { name: 'lib-a', measurementId: 'G-AAAA1111' })
  const b = await tinyLibrary(t, { name: 'lib-b', measurementId: 'G-BBBB2222' })
  const c = await tinyLibrary(t, { name: 'lib-c', measurementId: 'G-AAAA1111' })
  const collector = await collectorFor(t)
  await runLoading(t, collector, [a.esm, b.esm, c.esm])
  const requests = await requestsAfterExit(collector, 2)
  const byId = Object.fromEntries(
    requests.map((request) => [request.measurementId, request.events.map((event) => event.params.package_name).sort()]),
  )
  assert.equal(requests.length, 2)
  assert.deepEqual(byId, { 'G-AAAA1111': ['lib-a', 'lib-c'], 'G-BBBB2222': ['lib-b'] })
})
