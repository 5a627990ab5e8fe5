// A tiny real library built with esbuild as ESM and CJS, with the popylar plugin or without it: the
// same source both ways, so a test can compare a program using the tracked build with one using the
// plain build. Built in a throwaway folder (removed after the test) by the shared esbuild helper.
import type { PopylarOptions } from '@popylar/core/plugin'
import { buildLibrary, TEST_MEASUREMENT_ID } from './bundlers.js'
import { throwawayLibrary } from './throwaway-library.js'

export { TEST_MEASUREMENT_ID }

/** An import does nothing visible: whatever a program prints is its own. */
const DEFAULT_SOURCE = `export function greet(name) { return 'hello ' + name }\n`

export interface TinyLibrarySpec {
  /** The name in the library's package.json, which its events report. */
  name?: string
  version?: string
  /** src/index.js, an ES module. */
  source?: string
  measurementId?: string
  /** Plugin options; false: built without the plugin. */
  plugin?: PopylarOptions | false
}

export interface TinyLibrary {
  name: string
  /** Absolute paths of the two builds. */
  esm: string
  cjs: string
  tracked: boolean
}

type Cleanup = Parameters<typeof throwawayLibrary>[0]

export async function tinyLibrary(cleanup: Cleanup, spec: TinyLibrarySpec = {}): Promise<TinyLibrary> {
  const name = spec.name ?? 'tiny-lib'
  const library = throwawayLibrary(
    cleanup,
    { 'src/index.js': spec.source ?? DEFAULT_SOURCE },
    { packageJson: { name, version: spec.version ?? '1.2.3', type: 'module' } },
  )
  const tracked = spec.plugin !== false
  // The very same esbuild build; for the plain one, only the popylar plugin is taken out.
  const withoutPlugin = (config: Record<string, any>) => {
    config.plugins = []
  }
  const build = (format: 'esm' | 'cjs') =>
    buildLibrary('esbuild', {
      dir: library.dir,
      format,
      measurementId: spec.measurementId,
      options: tracked ? (spec.plugin as PopylarOptions | undefined) : undefined,
      configure: tracked ? undefined : withoutPlugin,
    })
  const [esm, cjs] = await Promise.all([build('esm'), build('cjs')])
  return { name, esm, cjs, tracked }
}

/** The same library built with the tracker and without it. */
export async function tinyLibraryPair(
  cleanup: Cleanup,
  spec: Omit<TinyLibrarySpec, 'plugin'> & { plugin?: PopylarOptions } = {},
): Promise<{ tracked: TinyLibrary; plain: TinyLibrary }> {
  const [tracked, plain] = await Promise.all([
    tinyLibrary(cleanup, spec),
    tinyLibrary(cleanup, { ...spec, plugin: false }),
  ])
  return { tracked, plain }
}

/** Compiled in as a second fence: even a run without POPYLAR_ENDPOINT would stay on loopback (port 9: discard). */
export const LOOPBACK_ENDPOINT = 'http://127.0.0.1:9'

/**
 * Tiny libraries for a whole test file: build() them in before(), remove() them in after() (a cleanup
 * registered with after() inside before() would run too early). build() gives the ESM file.
 */
export function loopbackLibraries(): { build(name: string, plugin?: PopylarOptions): Promise<string>; remove(): void } {
  const removals: Array<() => void> = []
  return {
    build: (name, plugin = {}) =>
      tinyLibrary((remove) => void removals.push(remove), {
        name,
        plugin: { endpoint: LOOPBACK_ENDPOINT, ...plugin },
      }).then((lib) => lib.esm),
    remove: () => {
      for (const remove of removals.splice(0)) remove()
    },
  }
}
