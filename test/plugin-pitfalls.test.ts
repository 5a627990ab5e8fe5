// What each bundler's own code and issue tracker show can go wrong for a plugin like this one, each tried
// on a real bundler: the library still sends its one event.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import multiEntryPlugin from '@rollup/plugin-multi-entry'
import { BUNDLERS, buildLibrary, type Bundler } from './support/bundlers.js'
import { runCompiler } from './support/run-compiler.js'
import { throwawayLibrary } from './support/throwaway-library.js'
import { collectorFor, importTracked, singleImportEvent } from './support/tracked-run.js'

// Its types read as CommonJS under NodeNext; the ESM build's default export is the plugin function itself.
const multiEntry = multiEntryPlugin as unknown as typeof multiEntryPlugin.default

const SOURCE = { 'src/index.js': 'export const answer = () => 42\n' }

// ---------------------------------------------------------------- webpack and the colon

/** A webpack/rspack plugin that records the names of the modules in the finished build. */
function moduleNamesRecorder() {
  const names: string[] = []
  return {
    names,
    apply(compiler: any) {
      compiler.hooks.done.tap('record-module-names', (stats: any) => {
        for (const module of stats.toJson({ all: false, modules: true }).modules ?? [])
          names.push(String(module.name), String(module.identifier ?? ''))
      })
    },
  }
}

for (const bundler of ['webpack', 'rspack'] as const) {
  for (const mode of ['production', 'development'] as const) {
    test(`${bundler} (${mode}): no module id with a colon (no UnhandledSchemeError), and the library sends`, async (t) => {
      const collector = await collectorFor(t)
      const library = throwawayLibrary(t, SOURCE)
      const recorder = moduleNamesRecorder()
      const bundle = await buildLibrary(bundler, { dir: library.dir, mode, plugins: [recorder] })
      // The tracker is written into the finished entry chunk: webpack never resolves a request for it.
      assert.ok(recorder.names.length > 0, 'the recorder saw the build')
      for (const name of recorder.names)
        assert.doesNotMatch(
          name,
          /popylar-tracker|@popylar|packages\/core/,
          `no module of the build comes from popylar: ${name}`,
        )
      assert.match(readFileSync(bundle, 'utf8'), /popylar/, 'the entry chunk holds the tracker')
      assert.equal((await singleImportEvent(collector, bundle)).params.package_name, 'throwaway-lib')
    })
  }
}

// ---------------------------------------------------------------- Vite sees entries only with enforce: 'pre'

test('vite: a lib build with es and cjs formats sends from each format', async (t) => {
  const collector = await collectorFor(t)
  const library = throwawayLibrary(t, { 'src/index.ts': 'export const answer = (): number => 42\n' })
  await buildLibrary('vite', {
    dir: library.dir,
    entry: 'src/index.ts',
    configure: (config) =>
      Object.assign(config.build.lib, {
        formats: ['es', 'cjs'],
        fileName: (format: string) => (format === 'es' ? 'index.mjs' : 'index.cjs'),
      }),
  })
  for (const file of ['dist/index.mjs', 'dist/index.cjs']) {
    const event = await singleImportEvent(collector, library.path(file))
    assert.equal(event.params.package_name, 'throwaway-lib', file)
  }
})

// Found by these tests: a plugin placed before popylar that resolves the entry itself (without asking
// the plugins after it) hid the entry from popylar, and the library shipped without a tracker.
for (const bundler of ['rollup', 'rolldown'] as const) {
  test(`${bundler}: with @rollup/plugin-multi-entry placed before popylar, the combined entry still gets the tracker`, async (t) => {
    const collector = await collectorFor(t)
    const library = throwawayLibrary(t, { 'src/a.js': 'export const a = 1\n', 'src/b.js': 'export const b = 2\n' })
    // The entries reach popylar as one virtual id: the package.json is then the working directory's, as when
    // the author runs `rollup -c` in the library's folder.
    const previous = process.cwd()
    process.chdir(library.dir)
    t.after(() => process.chdir(previous))
    const bundle = await buildLibrary(bundler, {
      dir: library.dir,
      plugins: [multiEntry()],
      configure: (config) => {
        config.input = [library.path('src/a.js'), library.path('src/b.js')]
      },
    })
    assert.equal((await singleImportEvent(collector, bundle)).params.package_name, 'throwaway-lib')
  })
}

test("vite: with another enforce: 'pre' plugin before popylar that resolves the entry itself, the entry still gets the tracker", async (t) => {
  const collector = await collectorFor(t)
  const library = throwawayLibrary(t, SOURCE)
  const resolvesEverything = {
    name: 'resolves-everything',
    enforce: 'pre',
    resolveId: (id: string, importer?: string) =>
      id.startsWith('.') || id.startsWith('/') ? resolve(importer ? dirname(importer) : library.dir, id) : null,
  }
  const bundle = await buildLibrary('vite', {
    dir: library.dir,
    entry: './src/index.js',
    plugins: [resolvesEverything],
  })
  assert.equal((await singleImportEvent(collector, bundle)).params.package_name, 'throwaway-lib')
})

// ---------------------------------------------------------------- esbuild: one onLoad per file

/** Another author's esbuild plugin that loads every .ts/.js file itself, rewriting a marker. */
const markerPlugin = {
  name: 'rewrite-marker',
  setup(build: any) {
    build.onLoad({ filter: /\.[jt]s$/ }, async (args: { path: string }) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('__MARKER__', JSON.stringify('rewritten')),
      loader: args.path.endsWith('.ts') ? 'ts' : 'js',
    }))
  },
}

for (const order of ['before', 'after'] as const) {
  test(`esbuild: with another plugin that has its own onLoad for .ts/.js (placed ${order} popylar), both plugins take effect`, async (t) => {
    const collector = await collectorFor(t)
    const library = throwawayLibrary(t, {
      'src/index.ts':
        "import { helper } from './helper.js'\nexport const marker: string = __MARKER__\nconsole.log(marker, helper)\n",
      'src/helper.js': 'export const helper = __MARKER__\n',
    })
    const bundle = await buildLibrary('esbuild', {
      dir: library.dir,
      entry: 'src/index.ts',
      plugins: [markerPlugin],
      configure: (config) => {
        if (order === 'after') config.plugins.reverse()
      },
    })
    const { result, events } = await importTracked(collector, [bundle])
    assert.equal(result.stdout, 'rewritten rewritten\n', 'the other plugin rewrote both files')
    assert.equal(events.length, 1, 'and the tracker sent its event')
  })
}

// ---------------------------------------------------------------- "sideEffects": false

const SIDE_EFFECT_FREE = {
  name: 'pure-lib',
  version: '2.0.0',
  type: 'module',
  sideEffects: false,
  exports: './dist/index.mjs',
}

for (const bundler of BUNDLERS) {
  test(`${bundler}: a library with "sideEffects": false still sends`, async (t) => {
    const collector = await collectorFor(t)
    const library = throwawayLibrary(t, SOURCE, { packageJson: SIDE_EFFECT_FREE })
    const bundle = await buildLibrary(bundler, { dir: library.dir })
    assert.equal((await singleImportEvent(collector, bundle)).params.package_name, 'pure-lib')
  })
}

for (const consumer of ['esbuild', 'webpack'] as const) {
  test(`${consumer}: an app that bundles a "sideEffects": false library and uses it still sends`, async (t) => {
    const collector = await collectorFor(t)
    const library = throwawayLibrary(t, SOURCE, { packageJson: SIDE_EFFECT_FREE })
    await buildLibrary('rollup', { dir: library.dir })
    const app = await bundleApp(t, consumer, library.dir, "import { answer } from 'pure-lib'\nconsole.log(answer())\n")
    const { result, events } = await importTracked(collector, [app])
    assert.equal(result.stdout, '42\n')
    assert.deepEqual(
      events.map((event) => event.params.package_name),
      ['pure-lib'],
    )
  })
}

/** A consumer's app that has the built library installed in node_modules; bundled without popylar (development, so NODE_ENV is left alone). */
async function bundleApp(
  t: TestContext,
  bundler: 'esbuild' | 'webpack',
  libraryDir: string,
  source: string,
): Promise<string> {
  const app = throwawayLibrary(
    t,
    { 'src/main.js': source },
    { packageJson: { name: 'app', private: true, type: 'module' } },
  )
  mkdirSync(app.path('node_modules'))
  symlinkSync(libraryDir, app.path('node_modules/pure-lib'), 'dir')
  const out = app.path('dist/main.mjs')
  if (bundler === 'esbuild') {
    const { build } = await import('esbuild')
    await build({
      absWorkingDir: app.dir,
      entryPoints: ['src/main.js'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      logLevel: 'silent',
    })
  } else {
    const { default: webpack } = await import('webpack')
    await runCompiler(
      webpack({
        context: app.dir,
        mode: 'development',
        devtool: false,
        target: 'node',
        entry: './src/main.js',
        output: { path: app.path('dist'), filename: 'main.mjs', module: true, chunkFormat: 'module' },
        experiments: { outputModule: true },
        optimization: { sideEffects: true, usedExports: true },
      }) as never,
    )
  }
  return out
}

// ---------------------------------------------------------------- every dependency external

const IMPORTS_TRACKER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)["'][^"']*(?:popylar-tracker|@popylar\/)/

/** Externalizes every bare specifier: what authors write to keep dependencies out of the bundle. */
const isBare = (id: string) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0')

const EXTERNAL_EVERYTHING: Partial<Record<Bundler, (config: Record<string, any>) => void>> = {
  rollup: (config) => {
    config.external = (id: string) => !id.startsWith('.') && !isAbsolute(id)
  },
  rolldown: (config) => {
    config.external = (id: string) => !id.startsWith('.') && !isAbsolute(id)
  },
  vite: (config) => {
    config.build.rollupOptions = { external: (id: string) => !id.startsWith('.') && !isAbsolute(id) }
  },
  esbuild: (config) => {
    config.packages = 'external'
  },
  webpack: (config) => {
    config.externalsType = 'module'
    config.externals = [
      ({ request }: { request: string }, callback: (error?: null, result?: string) => void) =>
        isBare(request) ? callback(null, request) : callback(),
    ]
  },
  rspack: (config) => {
    config.externalsType = 'module'
    config.externals = [
      ({ request }: { request: string }, callback: (error?: null, result?: string) => void) =>
        isBare(request) ? callback(null, request) : callback(),
    ]
  },
}

for (const [bundler, externalEverything] of Object.entries(EXTERNAL_EVERYTHING) as Array<
  [Bundler, (config: Record<string, any>) => void]
>) {
  test(`${bundler}: with every dependency external, the tracker is still inlined and sends`, async (t) => {
    const collector = await collectorFor(t)
    const library = throwawayLibrary(t, {
      'src/index.js': "import { dep } from 'dep-x'\nexport const value = dep + 1\n",
      'node_modules/dep-x/package.json': JSON.stringify({
        name: 'dep-x',
        version: '1.0.0',
        type: 'module',
        exports: './index.js',
      }),
      'node_modules/dep-x/index.js': "console.log('dep-x loaded')\nexport const dep = 1\n",
    })
    const bundle = await buildLibrary(bundler, { dir: library.dir, configure: externalEverything })
    const code = readFileSync(bundle, 'utf8')
    assert.match(code, /["']dep-x["']/, 'the dependency stayed external')
    assert.doesNotMatch(code, /dep = 1/, 'the dependency was not bundled')
    assert.doesNotMatch(code, IMPORTS_TRACKER, 'the bundle imports no tracker module: it is inlined')
    const { result, events } = await importTracked(collector, [bundle])
    assert.equal(result.stdout, 'dep-x loaded\n')
    assert.deepEqual(
      events.map((event) => event.params.package_name),
      ['throwaway-lib'],
    )
  })
}

test('the pattern that finds a tracker import would find one', () => {
  // Guards the check above against passing for the wrong reason.
  for (const line of [
    'import "popylar-tracker";',
    "import 'popylar-tracker'",
    'import x from "@popylar/core/runtime"',
    'require("./popylar-tracker")',
    'await import("\\0popylar-tracker")',
  ]) {
    assert.match(line, IMPORTS_TRACKER, line)
  }
  assert.doesNotMatch('// popylar:popylar-tracker\ntry{}catch(e){}', IMPORTS_TRACKER)
})
