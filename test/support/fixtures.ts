// The built fixture libraries and consumer programs (fixtures/*/dist): what each build is, and what
// calling it must return. turbo builds them before the tests and the demo; nothing here builds.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/** The measurement id every fixture is built with (its one config line). */
export const FIXTURE_MEASUREMENT_ID = 'G-POPYLAR01'

export type Format = 'esm' | 'cjs'

/** One file a program can load: `import` it (esm) or `require` it (cjs), then call `fn('Ada')`. */
export interface LibraryOutput {
  format: Format
  /** Absolute path of the built file. */
  file: string
  /** The exported function to call with 'Ada'. */
  fn: string
  returns: string
  /** For a library with several entry points: which one. */
  entry?: string
}

export interface FixtureLibrary {
  /** The folder under fixtures/. */
  folder: string
  bundler: string
  /** From the fixture's package.json: what its events must report. */
  packageName: string
  packageVersion: string
  outputs: LibraryOutput[]
}

interface LibrarySpec {
  folder: string
  bundler: string
  files: Array<{ format: Format; path: string; fn?: string; entry?: string }>
}

const LIBRARY_SPECS: LibrarySpec[] = [
  {
    folder: 'lib-vite',
    bundler: 'vite',
    files: [
      { format: 'esm', path: 'dist/index.mjs' },
      { format: 'cjs', path: 'dist/index.cjs' },
    ],
  },
  {
    folder: 'lib-webpack',
    bundler: 'webpack',
    files: [
      { format: 'esm', path: 'dist/index.mjs' },
      { format: 'cjs', path: 'dist/index.cjs' },
    ],
  },
  {
    folder: 'lib-esbuild',
    bundler: 'esbuild',
    files: [
      { format: 'esm', path: 'dist/index.mjs' },
      { format: 'cjs', path: 'dist/index.cjs' },
    ],
  },
  {
    folder: 'lib-rollup',
    bundler: 'rollup',
    files: [
      { format: 'esm', path: 'dist/index.mjs' },
      { format: 'cjs', path: 'dist/index.cjs' },
    ],
  },
  { folder: 'lib-rspack', bundler: 'rspack', files: [{ format: 'cjs', path: 'dist/index.cjs' }] },
  {
    folder: 'lib-rolldown',
    bundler: 'rolldown',
    files: [
      { format: 'esm', path: 'dist/index.mjs' },
      { format: 'cjs', path: 'dist/index.cjs' },
    ],
  },
  {
    folder: 'lib-multi-entry',
    bundler: 'rollup',
    files: [
      { format: 'esm', path: 'dist/greet.mjs', entry: 'greet' },
      { format: 'esm', path: 'dist/farewell.mjs', fn: 'farewell', entry: 'farewell' },
    ],
  },
  {
    folder: 'lib-side-effects-free',
    bundler: 'vite',
    files: [
      { format: 'esm', path: 'dist/index.mjs' },
      { format: 'cjs', path: 'dist/index.cjs' },
    ],
  },
]

/** What each fixture's functions return for 'Ada' (each says which fixture it comes from). */
function expectedReturn(folder: string, fn: string): string {
  return `${fn === 'farewell' ? 'Goodbye' : 'Hello'}, Ada, from ${folder}`
}

function readPackageJson(folder: string): { name: string; version: string } {
  const { name, version } = JSON.parse(readFileSync(join(FIXTURES_DIR, folder, 'package.json'), 'utf8')) as {
    name: string
    version: string
  }
  return { name, version }
}

/** Fails with what to do, instead of a confusing import error later. */
export function assertBuilt(...files: string[]): void {
  const missing = files.filter((file) => !existsSync(file))
  if (missing.length) {
    throw new Error(
      `fixtures not built, missing:\n  ${missing.join('\n  ')}\nBuild them first: cd ${join(FIXTURES_DIR, '..')} && npx turbo run build`,
    )
  }
}

/** Every file the tests and the demo load. */
export function allFixtureFiles(): string[] {
  return [
    ...FIXTURE_LIBRARIES.flatMap((library) => library.outputs.map((output) => output.file)),
    ...Object.values(CONSUMER_APPS).map((app) => app.file),
  ]
}

export const FIXTURE_LIBRARIES: FixtureLibrary[] = LIBRARY_SPECS.map(({ folder, bundler, files }) => {
  const { name, version } = readPackageJson(folder)
  return {
    folder,
    bundler,
    packageName: name,
    packageVersion: version,
    outputs: files.map(({ format, path, fn = 'greet', entry }) => ({
      format,
      file: join(FIXTURES_DIR, folder, path),
      fn,
      returns: expectedReturn(folder, fn),
      ...(entry ? { entry } : {}),
    })),
  }
})

export function fixtureLibrary(folder: string): FixtureLibrary {
  const library = FIXTURE_LIBRARIES.find((candidate) => candidate.folder === folder)
  if (!library) throw new Error(`no fixture library ${folder}`)
  return library
}

/** A Node program that bundled @fixtures/lib-side-effects-free (and imports only `greet` from it). */
export interface ConsumerApp {
  label: string
  bundler: string
  file: string
  /** What the program prints. */
  prints: string
}

function consumerApp(label: string, bundler: string, path: string): ConsumerApp {
  return { label, bundler, file: join(FIXTURES_DIR, path), prints: 'Hello, consumer, from lib-side-effects-free\n' }
}

export const CONSUMER_APPS = {
  webpackDevelopment: consumerApp(
    'webpack, development mode, target node',
    'webpack',
    'consumer-node-webpack/dist/app.development.cjs',
  ),
  /** Production tree-shaking and minifying, with optimization.nodeEnv: false (NODE_ENV left to run time). */
  webpackProductionRuntimeNodeEnv: consumerApp(
    'webpack, production mode with nodeEnv: false, target node',
    'webpack',
    'consumer-node-webpack/dist/app.production-runtime-node-env.cjs',
  ),
  /** Production mode compiles in NODE_ENV = "production", which by design drops the tracker. */
  webpackProduction: consumerApp(
    'webpack, production mode, target node',
    'webpack',
    'consumer-node-webpack/dist/app.production.cjs',
  ),
  viteSsr: consumerApp('vite, SSR build', 'vite', 'consumer-node-vite/dist/app.mjs'),
} satisfies Record<string, ConsumerApp>

/** Text only the function that consumers never import returns: present in a bundle only if tree-shaking did not happen. */
export const TREE_SHAKEN_MARKER = 'FROM LIB-SIDE-EFFECTS-FREE'
