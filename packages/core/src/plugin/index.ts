// The unplugin factory: one plugin for every bundler. The tracker statement is written at the end of
// every entry chunk once the bundler has finished it: no hook runs per module, the author's own
// bundler never parses the tracker (so its define of NODE_ENV cannot remove it), nothing can
// externalize it, and source maps keep every mapping (nothing before the author's code moves).
import { dirname } from 'node:path'
import type { Plugin as RollupPlugin } from 'rollup'
import type { Plugin as VitePlugin } from 'vite'
import type { UnpluginFactory, UnpluginOptions } from 'unplugin'
import type { InjectedConfig } from '../runtime/tracker/types.js'
import { checkOptions, resolveConfig, type PopylarOptions } from './options.js'
import { hookStats } from './stats.js'
import { trackerStatement } from './tracker-statement.js'
import { devServerPlugin } from './dev-server.js'
import { entryPaths, webpackEntryPaths } from './entries.js'

export type { PopylarOptions } from './options.js'
export { PopylarOptionError } from './options.js'
export { hookStats } from './stats.js'

export interface PluginInput {
  measurementId: string
  options?: PopylarOptions
}

const JS_FILE = /\.[cm]?js$/

const SOURCE_MAP_COMMENT = '//# sourceMappingURL='

/** Appends a statement at the end of a chunk, but before its sourceMappingURL comment, which must stay last. */
export function appendBeforeSourceMapComment(code: string, statement: string): string {
  // lastIndexOf and endsWith, not regular expressions: a chunk can be megabytes long.
  const at = code.lastIndexOf(SOURCE_MAP_COMMENT)
  const isLastLine = at >= 0 && (at === 0 || code[at - 1] === '\n') && !code.slice(at).trimEnd().includes('\n')
  const cut = isLastLine ? at : code.length
  const body = code.slice(0, cut)
  return `${body}${body.endsWith('\n') ? '' : '\n'}${statement}\n${code.slice(cut)}`
}

/** The author's own footer text, if any, then the statement. */
const afterTheirs = (theirs: unknown, statement: string) =>
  typeof theirs === 'string' && theirs ? `${theirs}\n${statement}` : statement

/** The author's own postFooter (string or function), followed by the statement on entry chunks. */
function withStatement(authorFooter: unknown, statement: string) {
  return async (chunk: { isEntry: boolean }): Promise<string> => {
    const theirs =
      typeof authorFooter === 'function'
        ? await authorFooter(chunk)
        : typeof authorFooter === 'string'
          ? authorFooter
          : ''
    if (!chunk.isEntry) return theirs
    hookStats.injections++
    return afterTheirs(theirs, statement)
  }
}

const onRolldown = (context: { meta: object }) => 'rolldownVersion' in context.meta

export const popylarFactory: UnpluginFactory<PluginInput, true> = (input) => {
  const { measurementId, options } = checkOptions(input?.measurementId, input?.options)
  let config: InjectedConfig | undefined
  let statement: string | undefined
  /** Resolves the options once, against the package.json nearest to the library's first entry (or root). */
  const tracker = (near: string) => {
    config ??= resolveConfig(measurementId, options, near)
    statement ??= trackerStatement(config)
    return statement
  }
  const trackerFor = (entries: string[], root: string) => tracker(entries[0] ? dirname(entries[0]) : root)

  // Rollup, Vite and rolldown: the finished entry chunks, after every plugin and minifier. The input
  // options come first of all hooks (rolldown asks for the output options before buildStart).
  let root = process.cwd()
  let entryCount = 0
  const readInput: RollupPlugin['options'] = (input) => {
    // rolldown resolves entries against its cwd option; Rollup, against the process's.
    root = (input as { cwd?: string }).cwd ?? root
    const entries = entryPaths(root, input.input)
    entryCount = entries.length
    trackerFor(entries, root)
    return null
  }
  // rolldown (and Vite on rolldown) appends a postFooter itself, after minification: the chunk's code
  // never crosses into JavaScript and back, which costs a 2,000-module build several milliseconds.
  const outputOptions: RollupPlugin['outputOptions'] = function (outputOptions) {
    if (!onRolldown(this)) return null
    const theirs = (outputOptions as { postFooter?: unknown }).postFooter
    const code = tracker(root)
    // With one entry, a string: a function makes Vite hand every chunk's details over to JavaScript (about
    // 100 ms on 2,000 modules). A chunk split off by a dynamic import then carries the statement too, which
    // is harmless: one event per package per process.
    if (entryCount === 1 && typeof theirs !== 'function') {
      hookStats.injections++
      return { ...outputOptions, postFooter: afterTheirs(theirs, code) }
    }
    return { ...outputOptions, postFooter: withStatement(theirs, code) } as typeof outputOptions
  }
  // Rollup (and Vite on Rollup) has no postFooter: the statement goes into the finished code.
  const generateBundle: RollupPlugin['generateBundle'] = {
    order: 'post',
    handler(_, bundle) {
      if (onRolldown(this)) return
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk' || !chunk.isEntry) continue
        hookStats.injections++
        chunk.code = appendBeforeSourceMapComment(chunk.code, statement!)
      }
    },
  }

  /** webpack and rspack: the config names its entries relative to its context. */
  const webpackTracker = (compiler: { context: string; options: { entry: unknown } }) =>
    trackerFor(webpackEntryPaths(compiler.context, compiler.options.entry), compiler.context)

  // webpack: the entry points' files, once minified, before source maps are written.
  const webpack = (compiler: import('webpack').Compiler) => {
    const { webpack } = compiler
    compiler.hooks.thisCompilation.tap('popylar', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'popylar', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE + 1 },
        () => {
          const code = webpackTracker(compiler)
          for (const entrypoint of compilation.entrypoints.values()) {
            for (const file of entrypoint.getEntrypointChunk().files) {
              if (!JS_FILE.test(file)) continue
              hookStats.injections++
              compilation.updateAsset(file, (source) => new webpack.sources.ConcatSource(source, '\n', code, '\n'))
            }
          }
        },
      )
    })
  }

  // rspack: the same place, by rspack's own BannerPlugin. The chunk's code stays in Rust: updateAsset from
  // JavaScript would carry it over and back (8 ms on 2,000 modules). The function is called once per entry chunk.
  const rspack = (compiler: import('@rspack/core').Compiler) => {
    const { BannerPlugin, Compilation } = compiler.webpack
    const footer = () => {
      hookStats.injections++
      return webpackTracker(compiler)
    }
    new BannerPlugin({
      banner: footer,
      raw: true,
      footer: true,
      entryOnly: true,
      test: JS_FILE,
      stage: Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE + 1,
    }).apply(compiler)
  }

  const main: UnpluginOptions = {
    name: 'popylar',
    rollup: { options: readInput, generateBundle },
    rolldown: { options: readInput, outputOptions } as never,
    vite: {
      ...({ options: readInput, outputOptions, generateBundle } as unknown as Partial<VitePlugin>),
      // The dev server writes no bundle: devServerPlugin serves the tracker there.
      apply: 'build',
      configResolved(viteConfig) {
        root = viteConfig.root
        // On rolldown the postFooter does the work, and a JavaScript generateBundle hook, even one that returns
        // at once, makes Vite hand every chunk over to JavaScript: about 100 ms on a 2,000-module build.
        if (!onRolldown(this as { meta: object })) return
        for (const plugin of viteConfig.plugins as readonly object[]) {
          const hooks = plugin as { generateBundle?: unknown }
          if (hooks.generateBundle === generateBundle) delete hooks.generateBundle
        }
      },
    },
    webpack,
    rspack,
    esbuild: {
      // esbuild writes its footer verbatim at the end of every output file.
      config(buildOptions) {
        const root = buildOptions.absWorkingDir ?? process.cwd()
        const entries = entryPaths(
          root,
          Array.isArray(buildOptions.entryPoints)
            ? buildOptions.entryPoints.map((entry) => (typeof entry === 'string' ? entry : entry.in))
            : buildOptions.entryPoints,
        )
        hookStats.injections++
        buildOptions.footer = {
          ...buildOptions.footer,
          js: afterTheirs(buildOptions.footer?.js, trackerFor(entries, root)),
        }
      },
    },
  }
  return [main, devServerPlugin(tracker)]
}
