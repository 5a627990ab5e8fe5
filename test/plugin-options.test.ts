// What an author who gets the plugin's options wrong sees: the popylar(...) call or the build fails,
// with a message that names the option, the value and the fix. Right options reach the event.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import popylarEsbuild from '@popylar/core/esbuild'
import popylarRollup from '@popylar/core/rollup'
import { PopylarOptionError } from '@popylar/core/plugin'
import { BUNDLERS, buildLibrary, type Bundler } from './support/bundlers.js'
import { buildWithConfig } from './support/config-builds.js'
import { throwawayLibrary } from './support/throwaway-library.js'
import { collectorFor, runTracked, singleImportEvent } from './support/tracked-run.js'

const LIBRARY_SOURCE = { 'src/index.js': 'export const answer = () => 42\n' }

interface BadCase {
  title: string
  /** popylar's arguments. */
  args: [unknown, unknown?]
  /** Each must be found in the message: the option, the value, the fix. */
  mentions: RegExp[]
}

const manyParams = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i]))

const BAD_CASES: BadCase[] = [
  {
    title: 'no measurement id',
    args: [undefined],
    mentions: [/measurement id/, /undefined/, /popylar\('G-XXXXXXXXXX'\)/],
  },
  {
    title: 'an id that is only "G-"',
    args: ['G-'],
    mentions: [/measurement id/, /"G-"/, /popylar\('G-XXXXXXXXXX'\)/, /Data streams/],
  },
  { title: 'a lower-case id', args: ['g-abc'], mentions: [/measurement id/, /"g-abc"/, /popylar\('G-XXXXXXXXXX'\)/] },
  {
    title: 'an id that is a number',
    args: ['123'],
    mentions: [/measurement id/, /"123"/, /popylar\('G-XXXXXXXXXX'\)/],
  },
  {
    title: 'a Universal Analytics id',
    args: ['UA-12345-1'],
    mentions: [
      /measurement id/,
      /"UA-12345-1"/,
      /Universal Analytics/,
      /stopped processing .*1 July 2023/,
      /Create a GA4 property/,
      /"G-XXXXXXXXXX"/,
    ],
  },
  {
    title: 'an event name over 40 characters',
    args: ['G-TEST1234', { event: 'e'.repeat(41) }],
    mentions: [/option "event"/, new RegExp(`"${'e'.repeat(41)}"`), /40 characters/, /Use a name like "import"/],
  },
  {
    title: 'an event name that starts with a digit',
    args: ['G-TEST1234', { event: '1st_import' }],
    mentions: [/option "event"/, /"1st_import"/, /must start with a letter/],
  },
  {
    title: 'an event name with a dash',
    args: ['G-TEST1234', { event: 'lib-import' }],
    mentions: [/option "event"/, /"lib-import"/, /only letters, digits and "_"/],
  },
  {
    title: 'a reserved event name',
    args: ['G-TEST1234', { event: 'session_start' }],
    mentions: [/option "event"/, /"session_start"/, /reserved/, /Use a name like "import"/],
  },
  {
    title: 'an event name with a reserved prefix',
    args: ['G-TEST1234', { event: 'google_x' }],
    mentions: [/option "event"/, /"google_x"/, /starts with "google_"/, /Use a name like "import"/],
  },
  {
    title: 'a param with a bad name',
    args: ['G-TEST1234', { params: { 'build-kind': 'x' } }],
    mentions: [/option "params"/, /"build-kind"/, /only letters, digits and "_"/],
  },
  {
    title: 'a param with a reserved prefix',
    args: ['G-TEST1234', { params: { ga_source: 'x' } }],
    mentions: [/option "params"/, /"ga_source"/, /starts with "ga_"/],
  },
  {
    title: 'a param value over 100 characters',
    args: ['G-TEST1234', { params: { channel: 'v'.repeat(101) } }],
    mentions: [/option "params"/, /"channel"/, /101/, /100 characters/],
  },
  {
    title: 'a param value that is a boolean',
    args: ['G-TEST1234', { params: { beta: true } }],
    mentions: [/option "params"/, /"beta"/, /true/, /string or a finite number/],
  },
  {
    title: 'a param value that is an object',
    args: ['G-TEST1234', { params: { meta: { a: 1 } } }],
    mentions: [/option "params"/, /"meta"/, /\{"a":1\}/, /string or a finite number/],
  },
  {
    title: 'more than 25 params',
    args: ['G-TEST1234', { params: manyParams }],
    mentions: [/option "params"/, /26 params/, /at most 25/, /keep 16 or fewer/],
  },
  {
    title: 'a param that overrides package_name',
    args: ['G-TEST1234', { params: { package_name: 'other' } }],
    mentions: [/option "params"/, /"package_name"/, /set by the tracker/, /packageName/],
  },
  {
    title: 'a plain http endpoint off loopback',
    args: ['G-TEST1234', { endpoint: 'http://example.com' }],
    mentions: [/option "endpoint"/, /"http:\/\/example\.com"/, /must use https/, /Use "https:\/\/example\.com"/],
  },
  {
    title: 'an endpoint that is no URL',
    args: ['G-TEST1234', { endpoint: 'region1' }],
    mentions: [/option "endpoint"/, /"region1"/, /not a URL/, /https:\/\/region1\.google-analytics\.com/],
  },
  {
    title: 'a misspelt option',
    args: ['G-TEST1234', { endpont: 'https://region1.google-analytics.com' }],
    mentions: [/unknown option "endpont"/, /Did you mean "endpoint"\?/],
  },
  {
    title: 'a consent that is neither opt-out nor opt-in',
    args: ['G-TEST1234', { consent: 'maybe' }],
    mentions: [/option "consent"/, /"maybe"/, /'opt-out' or 'opt-in'/],
  },
  {
    title: 'ci that is not a boolean',
    args: ['G-TEST1234', { ci: 'yes' }],
    mentions: [/option "ci"/, /"yes"/, /true or false/],
  },
]

function assertMentions(message: string, mentions: RegExp[]) {
  for (const mention of mentions) assert.match(message, mention, `the message should match ${mention}:\n${message}`)
}

for (const bad of BAD_CASES) {
  test(`popylar(...) refuses ${bad.title}`, () => {
    for (const popylar of [popylarRollup, popylarEsbuild] as Array<(...args: unknown[]) => unknown>) {
      assert.throws(
        () => popylar(...bad.args),
        (error: Error) => {
          assert.equal(error.name, 'PopylarOptionError')
          assert.ok(
            error instanceof PopylarOptionError,
            'the class exported by @popylar/core/plugin, though each bundler entry is a file of its own',
          )
          assert.match(error.message, /^\[popylar\] /)
          assertMentions(error.message, bad.mentions)
          return true
        },
      )
    }
  })
}

test('a loopback http endpoint is accepted, and the event goes there', async (t) => {
  const collector = await collectorFor(t)
  const library = throwawayLibrary(t, LIBRARY_SOURCE)
  const endpoint = `http://127.0.0.1:${collector.port}`
  assert.doesNotThrow(() => popylarRollup('G-TEST1234', { endpoint: 'http://127.0.0.1:8080' }))
  const bundle = await buildLibrary('esbuild', { dir: library.dir, options: { endpoint } })
  // No POPYLAR_ENDPOINT: the compiled endpoint is the only way the event can reach the collector.
  const { events } = await runTracked(collector, [bundle], { env: { POPYLAR_ENDPOINT: '' } })
  assert.equal(events.length, 1)
  assert.equal(events[0]!.params.package_name, 'throwaway-lib')
})

test('an https endpoint is accepted and compiled into the library', async (t) => {
  const library = throwawayLibrary(t, LIBRARY_SOURCE)
  // Never run: it would send to Google.
  const bundle = await buildLibrary('rollup', {
    dir: library.dir,
    options: { endpoint: 'https://region1.google-analytics.com' },
  })
  assert.match(library.read('dist/index.mjs'), /https:\/\/region1\.google-analytics\.com/)
  assert.ok(existsSync(bundle))
})

// The call above throws before any bundler runs; here the bundler itself runs and must fail.
for (const bundler of BUNDLERS) {
  test(`${bundler}: a build with a Universal Analytics id fails with the message, and writes nothing`, async (t) => {
    const library = throwawayLibrary(t, LIBRARY_SOURCE, { link: ['@popylar/core', bundlerPackage(bundler)] })
    const build = await buildWithConfig(bundler, library, {
      importFrom: `@popylar/core/${bundler}`,
      popylarArgs: `'UA-12345-1'`,
    })
    assert.notEqual(build.code, 0, `the build should fail:\n${build.output}`)
    assertMentions(build.output, [/"UA-12345-1" is a Universal Analytics id/, /1 July 2023/, /"G-XXXXXXXXXX"/])
    assert.equal(existsSync(build.bundle), false)
  })

  test(`${bundler}: a library with no package.json and no packageName fails the build with a clear message`, async (t) => {
    const library = throwawayLibrary(t, LIBRARY_SOURCE, {
      packageJson: false,
      link: ['@popylar/core', bundlerPackage(bundler)],
    })
    assert.equal(nearestPackageJsonAbove(library.dir), undefined, 'precondition: no package.json above the temp dir')
    const build = await buildWithConfig(bundler, library, {
      importFrom: `@popylar/core/${bundler}`,
      popylarArgs: `'G-TEST1234'`,
    })
    assert.notEqual(build.code, 0, `the build should fail:\n${build.output}`)
    assertMentions(build.output, [/\[popylar\] no package\.json found/, /pass packageName and packageVersion/])
    assert.equal(existsSync(build.bundle), false)
  })
}

test("the package.json nearest the library's entry is reported, wherever the build runs from", async (t) => {
  const collector = await collectorFor(t)
  const library = throwawayLibrary(t, LIBRARY_SOURCE, {
    packageJson: { name: 'nearest-the-entry', version: '3.1.4', type: 'module' },
  })
  assert.notEqual(
    process.cwd(),
    library.dir,
    'precondition: this process runs elsewhere, under a package.json of its own',
  )
  const here = process.cwd()
  const entry = library.path('src/index.js')
  // Each bundler's own idea of where it runs (its root, context or cwd) is this process's folder, too.
  const fromHere: Record<Bundler, (config: Record<string, any>) => void> = {
    esbuild: (config) => Object.assign(config, { absWorkingDir: here, entryPoints: [entry] }),
    rollup: () => {},
    rolldown: (config) => {
      config.cwd = here
    },
    vite: (config) =>
      Object.assign(config, {
        root: here,
        build: { ...config.build, outDir: library.path('dist'), lib: { ...config.build.lib, entry } },
      }),
    webpack: (config) => Object.assign(config, { context: here, entry }),
    rspack: (config) => Object.assign(config, { context: here, entry }),
  }
  for (const bundler of BUNDLERS) {
    const event = await singleImportEvent(
      collector,
      await buildLibrary(bundler, { dir: library.dir, configure: fromHere[bundler] }),
    )
    assert.deepEqual([event.params.package_name, event.params.package_version], ['nearest-the-entry', '3.1.4'], bundler)
  }
})

test('packageName and packageVersion override package.json', async (t) => {
  const collector = await collectorFor(t)
  const library = throwawayLibrary(t, LIBRARY_SOURCE, {
    packageJson: { name: 'from-package-json', version: '1.0.0', type: 'module' },
  })
  const both = await buildLibrary('esbuild', {
    dir: library.dir,
    options: { packageName: 'from-option', packageVersion: '9.9.9' },
  })
  const event = await singleImportEvent(collector, both)
  assert.equal(event.params.package_name, 'from-option')
  assert.equal(event.params.package_version, '9.9.9')

  const nameOnly = await buildLibrary('rollup', { dir: library.dir, options: { packageName: 'from-option' } })
  const mixed = await singleImportEvent(collector, nameOnly)
  assert.equal(mixed.params.package_name, 'from-option')
  assert.equal(mixed.params.package_version, '1.0.0', 'the version still comes from package.json')
})

test('packageName and packageVersion are enough without a package.json', async (t) => {
  const collector = await collectorFor(t)
  const library = throwawayLibrary(t, LIBRARY_SOURCE, { packageJson: false })
  const bundle = await buildLibrary('esbuild', {
    dir: library.dir,
    options: { packageName: 'no-manifest', packageVersion: '0.0.1' },
  })
  const event = await singleImportEvent(collector, bundle)
  assert.equal(event.params.package_name, 'no-manifest')
  assert.equal(event.params.package_version, '0.0.1')
})

function bundlerPackage(bundler: string): string {
  return bundler === 'rspack' ? '@rspack/core' : bundler
}

function nearestPackageJsonAbove(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, 'package.json'))) return join(current, 'package.json')
    if (dirname(current) === current) return undefined
  }
}
