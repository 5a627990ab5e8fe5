// What the author sees while developing the library: stack traces that point at their own source
// lines, and watch rebuilds and a Vite dev server that carry the tracker exactly once.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { request } from 'undici'
import popylarRollup from '@popylar/core/rollup'
import popylarVite from '@popylar/core/vite'
import popylarWebpack from '@popylar/core/webpack'
import { BUNDLERS, buildLibrary, keepingNodeEnv, TEST_MEASUREMENT_ID, type Bundler } from './support/bundlers.js'
import { run } from './support/run.js'
import { throwawayLibrary, type ThrowawayLibrary } from './support/throwaway-library.js'
import { collectorFor, importScript, singleImportEvent } from './support/tracked-run.js'

// ---------------------------------------------------------------- source maps

/** The line of the throw in the sources below (1-based). */
const THROW_LINE = 7

function failingSource(typed: boolean): string {
  const t = (type: string) => (typed ? `: ${type}` : '')
  return [
    '// A library whose fail() throws from a known line.',
    `export function greet(name${t('string')})${t('string')} {`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the library's own template literal
    '  return `hello ${name}`',
    '}',
    '',
    `export function fail()${t('never')} {`,
    "  throw new Error('thrown by the library')",
    '}',
    '',
  ].join('\n')
}

const TYPESCRIPT: ReadonlySet<Bundler> = new Set(['esbuild', 'vite', 'rolldown'])

for (const bundler of BUNDLERS) {
  test(`${bundler}: with source maps, a stack trace from the library names the author's file and line`, async (t) => {
    const typed = TYPESCRIPT.has(bundler)
    const entry = typed ? 'src/index.ts' : 'src/index.js'
    const library = throwawayLibrary(t, { [entry]: failingSource(typed) })
    const bundle = await buildLibrary(bundler, { dir: library.dir, entry, sourcemap: true, mode: 'production' })
    const script =
      importScript([bundle]).replace(/^await import\((.*)\);$/m, 'const library = await import($1)') +
      '\ntry { library.fail() } catch (error) { console.log(error.stack) }\n'
    const { stdout, code, stderr } = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', script],
      { env: { POPYLAR_DISABLED: '1' } },
    )
    assert.equal(code, 0, stderr)
    const frame = stdout.split('\n').find((line) => line.trim().startsWith('at '))
    assert.ok(frame, stdout)
    assert.match(
      frame,
      new RegExp(`${entry.replace('.', '\\.')}:${THROW_LINE}:\\d+\\)?$`),
      `the first frame points at ${entry}:${THROW_LINE}:\n${stdout}`,
    )
  })
}

// ---------------------------------------------------------------- watch mode

/** How many trackers a bundle holds: each one guards itself with the consumer's NODE_ENV. */
function trackerCount(code: string): number {
  assert.doesNotMatch(code, /__POPYLAR_NODE_ENV__/, 'no placeholder is left in the bundle')
  return (code.match(/["']production["']\s*!==?\s*process\.env\.NODE_ENV/g) ?? []).length
}

const WATCHED_SOURCE = {
  'src/index.js': "import { helper } from './helper.js'\nexport const version = 'v0'\nexport { helper }\n",
  'src/helper.js': "export const helper = 'h0'\n",
}

/** The edits of the two rebuilds: one to the entry, one to a module it imports; each leaves a mark in the bundle. */
const EDITS: Array<{ file: string; text: string; mark: string }> = [
  {
    file: 'src/index.js',
    text: "import { helper } from './helper.js'\nexport const version = 'v1'\nexport { helper }\n",
    mark: 'v1',
  },
  { file: 'src/helper.js', text: "export const helper = 'h2'\n", mark: 'h2' },
]

async function checkRebuilds(t: TestContext, library: ThrowawayLibrary, bundle: string, builds: BuildQueue) {
  await builds.next()
  assert.equal(trackerCount(readFileSync(bundle, 'utf8')), 1, 'the first build holds the tracker once')
  for (const [i, edit] of EDITS.entries()) {
    // Let the watcher settle, and forget builds it may have run twice for one change.
    await new Promise((resolve) => setTimeout(resolve, 150))
    builds.forget()
    library.write(edit.file, edit.text)
    // A watcher may build more than once for one edit: wait for the build that took it.
    while (!readFileSync(bundle, 'utf8').includes(edit.mark)) await builds.next()
    assert.equal(trackerCount(readFileSync(bundle, 'utf8')), 1, `rebuild ${i + 1} holds the tracker once`)
  }
  const collector = await collectorFor(t)
  assert.equal((await singleImportEvent(collector, bundle)).params.package_name, 'watched-lib')
}

interface BuildQueue {
  /** Called by the watcher after each build, with its error if it failed. */
  push(error?: unknown): void
  /** Waits for the next build (or takes one that already finished); rejects on a failed build. */
  next(): Promise<void>
  /** Drops the builds that finished and were not waited for. */
  forget(): void
}

function buildQueue(): BuildQueue {
  const results: Array<unknown> = []
  const waiting: Array<(error: unknown) => void> = []
  return {
    push(error) {
      const waiter = waiting.shift()
      if (waiter) waiter(error)
      else results.push(error)
    },
    next: () =>
      new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no rebuild within 10 s')), 10_000)
        const settle = (error: unknown) => {
          clearTimeout(timer)
          resolve(error)
        }
        if (results.length) settle(results.shift())
        else waiting.push(settle)
      }).then((error) => {
        if (error) throw error
      }),
    forget: () => void results.splice(0),
  }
}

const WATCHED_PACKAGE = { name: 'watched-lib', version: '1.0.0', type: 'module' }

test('rollup watch(): after each of 2 rebuilds the bundle holds the tracker exactly once', async (t) => {
  const { watch } = await import('rollup')
  const library = throwawayLibrary(t, WATCHED_SOURCE, { packageJson: WATCHED_PACKAGE })
  const bundle = library.path('dist/index.mjs')
  const builds = buildQueue()
  const watcher = watch({
    input: library.path('src/index.js'),
    plugins: [popylarRollup(TEST_MEASUREMENT_ID, { packageName: 'watched-lib', packageVersion: '1.0.0' })],
    output: { file: bundle, format: 'es' },
    onLog: () => {},
  })
  t.after(() => watcher.close())
  watcher.on('event', (event) => {
    if (event.code === 'BUNDLE_END') event.result.close()
    if (event.code === 'END') builds.push()
    if (event.code === 'ERROR') builds.push(event.error)
  })
  await checkRebuilds(t, library, bundle, builds)
})

test('webpack watch: after each of 2 rebuilds the bundle holds the tracker exactly once', async (t) => {
  const { default: webpack } = await import('webpack')
  const library = throwawayLibrary(t, WATCHED_SOURCE, { packageJson: WATCHED_PACKAGE })
  const bundle = library.path('dist/index.mjs')
  const builds = buildQueue()
  const compiler = webpack({
    context: library.dir,
    mode: 'development',
    devtool: false,
    target: 'node',
    entry: './src/index.js',
    output: { path: library.path('dist'), filename: 'index.mjs', library: { type: 'module' }, module: true },
    experiments: { outputModule: true },
    infrastructureLogging: { level: 'error' },
    plugins: [popylarWebpack(TEST_MEASUREMENT_ID)],
  })
  const watching = compiler.watch({ aggregateTimeout: 50 }, (error, stats) => {
    builds.push(error ?? (stats?.hasErrors() ? new Error(stats.toString('errors-only')) : undefined))
  })
  assert.ok(watching)
  t.after(() => new Promise<void>((resolve) => watching.close(() => resolve())))
  await checkRebuilds(t, library, bundle, builds)
})

// ---------------------------------------------------------------- Vite dev server

/** The entry as the dev server serves it, with the tracker import counted. */
async function served(base: string, path: string): Promise<string> {
  const response = await request(new URL(path, base))
  assert.equal(response.statusCode, 200, path)
  return response.body.text()
}

const TRACKER_IMPORT = /import\s*["'][^"']*popylar-tracker["']/g

test('vite dev server: the entry is served with the tracker import once, and again once after it changes', async (t) => {
  const { createServer } = await import('vite')
  const library = throwawayLibrary(
    t,
    { 'src/index.ts': "export const version: string = 'v0'\n" },
    { packageJson: { name: 'served-lib', version: '1.0.0', type: 'module' } },
  )
  const server = await keepingNodeEnv(() =>
    createServer({
      root: library.dir,
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, hmr: false },
      build: { lib: { entry: 'src/index.ts', formats: ['es'] } },
      plugins: [popylarVite(TEST_MEASUREMENT_ID)],
    }),
  )
  t.after(() => server.close())
  await server.listen()
  const address = server.httpServer!.address()
  assert.ok(address && typeof address === 'object')
  const base = `http://127.0.0.1:${address.port}/`

  const first = await served(base, '/src/index.ts')
  assert.equal(first.match(TRACKER_IMPORT)?.length, 1, `one tracker import:\n${first}`)
  const trackerPath = first.match(/import\s*["']([^"']*popylar-tracker)["']/)![1]!
  const tracker = await served(base, trackerPath)
  // The dev server defines NODE_ENV itself ("development"): the tracker runs while the author develops.
  assert.doesNotMatch(tracker, /__POPYLAR_NODE_ENV__/, 'no placeholder is served')
  assert.match(
    tracker,
    /["']production["']\s*!==?\s*(?:process\.env\.NODE_ENV|["']development["'])/,
    'the tracker guards itself with NODE_ENV',
  )
  assert.match(tracker, /served-lib/, 'and carries the package name')

  library.write('src/index.ts', "export const version: string = 'v1'\n")
  let second = ''
  for (
    const started = Date.now();
    Date.now() - started < 10_000;
    await new Promise((resolve) => setTimeout(resolve, 100))
  ) {
    second = await served(base, '/src/index.ts')
    if (second.includes('v1')) break
  }
  assert.ok(second.includes('v1'), 'the dev server serves the edited file')
  assert.equal(second.match(TRACKER_IMPORT)?.length, 1, `still one tracker import:\n${second}`)
})
