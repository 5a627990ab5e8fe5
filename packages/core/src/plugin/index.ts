// The unplugin factory: one plugin for every bundler. Each entry of the library imports the generated
// tracker module; how an entry is reached is the one thing each bundler does its own way.
import { dirname, isAbsolute, resolve } from 'node:path'
import MagicString from 'magic-string'
import type { Plugin as RollupPlugin, InputOptions } from 'rollup'
import { createUnplugin, type UnpluginFactory } from 'unplugin'
import type { InjectedConfig } from '../runtime/types.js'
import { checkOptions, resolveConfig, type PopylarOptions } from './options.js'
import { hookStats } from './stats.js'
import { NODE_ENV_EXPRESSION, NODE_ENV_PLACEHOLDER, placeholderPositions, replacePlaceholder, RESOLVED_TRACKER_ID, TRACKER_ID, trackerModule } from './virtual-module.js'

export type { PopylarOptions } from './options.js'
export { PopylarOptionError } from './options.js'
export { hookStats } from './stats.js'

export interface PluginInput {
  measurementId: string
  options?: PopylarOptions
}

type External = InputOptions['external']

/** Keeps the tracker inside the bundle even when the author marks every dependency external. */
function neverExternalizeTracker(external: External): External {
  if (!external) return external
  return (id, importer, isResolved) => {
    if (id === TRACKER_ID || id === RESOLVED_TRACKER_ID) return false
    if (typeof external === 'function') return external(id, importer, isResolved)
    return (Array.isArray(external) ? external : [external]).some((pattern) => (typeof pattern === 'string' ? pattern === id : pattern.test(id)))
  }
}

/** Overwrites the NODE_ENV placeholder in written code; the map stays exact. */
function withNodeEnv(code: string): { code: string; map: ReturnType<MagicString['generateMap']> } | null {
  const positions = placeholderPositions(code)
  if (!positions.length) return null
  const text = new MagicString(code)
  for (const at of positions) text.overwrite(at, at + NODE_ENV_PLACEHOLDER.length, NODE_ENV_EXPRESSION)
  return { code: text.toString(), map: text.generateMap({ hires: true }) }
}

function libEntries(root: string, entry: unknown): string[] {
  const list = typeof entry === 'string' ? [entry] : Array.isArray(entry) ? entry : entry && typeof entry === 'object' ? Object.values(entry) : []
  return list.filter((item): item is string => typeof item === 'string').map((item) => (isAbsolute(item) ? item : resolve(root, item)))
}

export const popylarFactory: UnpluginFactory<PluginInput> = (input) => {
  const { measurementId, options } = checkOptions(input?.measurementId, input?.options)
  let root = process.cwd()
  let config: InjectedConfig | undefined
  /** The Vite dev server writes no bundle, so the placeholder would never be replaced: serve the real expression. */
  let serving = false
  const resolved = () => (config ??= resolveConfig(measurementId, options, root))
  const entries = new Set<string>()

  const load = (id: string) => {
    if (id !== RESOLVED_TRACKER_ID && id !== TRACKER_ID) return null
    hookStats.load++
    const code = trackerModule(resolved())
    return serving ? replacePlaceholder(code) : code
  }

  // Rollup, Vite and rolldown: entries are found by resolveId, and each gets one import statement.
  const rollupHooks: Partial<RollupPlugin> = {
    // Options are resolved when the tracker is first loaded, once the entries (and so the library's root) are known.
    buildStart() {},
    options(inputOptions) {
      inputOptions.external = neverExternalizeTracker(inputOptions.external)
      return inputOptions
    },
    resolveId: {
      // First, whatever the plugin order: a plugin that resolves entries itself (such as
      // @rollup/plugin-multi-entry placed before popylar) would otherwise hide them.
      order: 'pre',
      async handler(id, importer, resolveOptions) {
        if (id === TRACKER_ID || id === RESOLVED_TRACKER_ID) return RESOLVED_TRACKER_ID
        if (!resolveOptions?.isEntry) return null
        const entry = await this.resolve(id, importer, { ...resolveOptions, skipSelf: true })
        if (entry && !entry.external) {
          // The library's package.json is the one nearest to its first entry, wherever the build was started.
          if (!entries.size && isAbsolute(entry.id)) root = dirname(entry.id)
          entries.add(entry.id)
        }
        return entry
      },
    },
    load,
    transform(code, id) {
      if (!entries.has(id)) return null
      hookStats.transform++
      // On the entry's first line, so that every later line keeps its number.
      const text = new MagicString(code).prepend(`import ${JSON.stringify(TRACKER_ID)};`)
      return { code: text.toString(), map: text.generateMap({ hires: true, source: id, includeContent: true }) }
    },
    renderChunk(code) {
      return withNodeEnv(code)
    },
  }

  // webpack and rspack: the tracker is a global entry, loaded first by every entry point.
  const webpackLike = (compiler: import('webpack').Compiler | import('@rspack/core').Compiler) => {
    root = compiler.context
    const { webpack } = compiler
    // "./": an "externalize every package" rule never matches a relative request.
    new webpack.EntryPlugin(compiler.context, `./${TRACKER_ID}`, { name: undefined }).apply(compiler as never)
    compiler.hooks.thisCompilation.tap('popylar', (compilation: any) => {
      compilation.hooks.processAssets.tap({ name: 'popylar', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE }, (assets: Record<string, any>) => {
        for (const name of Object.keys(assets)) {
          if (!/\.[cm]?js$/.test(name)) continue
          const positions = placeholderPositions(String(assets[name].source()))
          if (!positions.length) continue
          compilation.updateAsset(name, (source: any) => {
            const replaced = new webpack.sources.ReplaceSource(source)
            for (const at of positions) replaced.replace(at, at + NODE_ENV_PLACEHOLDER.length - 1, NODE_ENV_EXPRESSION)
            return replaced
          })
        }
      })
    })
  }

  return {
    name: 'popylar',
    enforce: 'pre',
    buildStart() {
      resolved()
    },
    resolveId(id) {
      return id === TRACKER_ID || id === `./${TRACKER_ID}` ? TRACKER_ID : null
    },
    loadInclude: (id) => id === TRACKER_ID || id === RESOLVED_TRACKER_ID,
    load,
    rollup: rollupHooks,
    rolldown: rollupHooks as never,
    vite: {
      ...(rollupHooks as object),
      configResolved(viteConfig) {
        root = viteConfig.root
        serving = viteConfig.command === 'serve'
        // The dev server knows no entries: use the library's own.
        if (viteConfig.command === 'serve' && viteConfig.build.lib) for (const entry of libEntries(root, viteConfig.build.lib.entry)) entries.add(entry)
      },
    },
    webpack: webpackLike,
    rspack: webpackLike,
    esbuild: {
      onResolveFilter: new RegExp(`^${TRACKER_ID}$`),
      onLoadFilter: new RegExp(`^${TRACKER_ID}$`),
      loader: 'js',
      config(buildOptions) {
        if (buildOptions.absWorkingDir) root = buildOptions.absWorkingDir
        // esbuild imports an inject file into every entry point, and runs it first.
        buildOptions.inject = [...(buildOptions.inject ?? []), TRACKER_ID]
        buildOptions.metafile = true
      },
      setup(build) {
        build.onEnd(async (result) => {
          const { readFile, writeFile } = await import('node:fs/promises')
          // write: false: change the bytes in place (same length), without reading .text, which esbuild caches.
          for (const file of result.outputFiles ?? []) {
            const code = new TextDecoder().decode(file.contents)
            if (code.includes(NODE_ENV_PLACEHOLDER)) file.contents.set(new TextEncoder().encode(replacePlaceholder(code)))
          }
          if (result.outputFiles || !result.metafile) return
          for (const output of Object.keys(result.metafile.outputs)) {
            if (!/\.[cm]?js$/.test(output)) continue
            const path = resolve(build.initialOptions.absWorkingDir ?? process.cwd(), output)
            const code = await readFile(path, 'utf8')
            if (code.includes(NODE_ENV_PLACEHOLDER)) await writeFile(path, replacePlaceholder(code))
          }
        })
      },
    },
  }
}

export const unplugin = /* #__PURE__ */ createUnplugin(popylarFactory)

/** Wraps a bundler's plugin so that it takes (measurementId, options), as the README shows. */
export function forBundler<Plugin>(create: (input: PluginInput) => Plugin): (measurementId: string, options?: PopylarOptions) => Plugin {
  return (measurementId, options) => create({ measurementId, options })
}
