// The factory's output, handed to each bundler in the bundler's own plugin shape. The factory keeps
// unplugin's shape (createUnplugin(popylarFactory) gives the same six plugins); these few lines do
// what unplugin would for the hooks popylar uses, without loading unplugin itself (about 25 ms a build).
import type { Plugin as EsbuildPlugin } from 'esbuild'
import type { Plugin as RollupPlugin } from 'rollup'
import type { PluginOption as VitePluginOption } from 'vite'
import type { WebpackPluginInstance } from 'webpack'
import type { RspackPluginInstance } from '@rspack/core'
import type { UnpluginOptions } from 'unplugin'
import type { PopylarOptions } from './options.js'
import { popylarFactory } from './index.js'

type Create<Plugin> = (measurementId: string, options?: PopylarOptions) => Plugin

const plugins = (measurementId: string, options?: PopylarOptions): UnpluginOptions[] =>
  popylarFactory({ measurementId, options }, { framework: 'rollup', versions: {} }) as UnpluginOptions[]

export const rollup: Create<RollupPlugin> = (id, options) => {
  const [main] = plugins(id, options)
  return { name: main!.name, ...main!.rollup } as RollupPlugin
}

export const rolldown: Create<RollupPlugin> = (id, options) => {
  const [main] = plugins(id, options)
  return { name: main!.name, ...main!.rolldown } as RollupPlugin
}

export const vite: Create<VitePluginOption> = (id, options) =>
  plugins(id, options).map((plugin) => ({ name: plugin.name, ...plugin.vite }))

export const webpack: Create<WebpackPluginInstance> = (id, options) => {
  const [main] = plugins(id, options)
  return { apply: (compiler) => main!.webpack!(compiler) }
}

export const rspack: Create<RspackPluginInstance> = (id, options) => {
  const [main] = plugins(id, options)
  return { apply: (compiler) => main!.rspack!(compiler) }
}

export const esbuild: Create<EsbuildPlugin> = (id, options) => {
  const [main] = plugins(id, options)
  return { name: main!.name, setup: (build) => main!.esbuild!.config!(build.initialOptions) }
}
