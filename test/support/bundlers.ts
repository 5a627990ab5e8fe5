// Builds a throwaway library in this process with each real bundler and the popylar plugin from
// @popylar/core/<bundler>, the way each bundler's docs show it. Each build writes one file and
// returns its path; a failed build rejects with the bundler's own error text.
import { join } from 'node:path'
import type { BuildOptions } from 'esbuild'
import type { PopylarOptions } from '@popylar/core/plugin'
import popylarEsbuild from '@popylar/core/esbuild'
import popylarRolldown from '@popylar/core/rolldown'
import popylarRollup from '@popylar/core/rollup'
import popylarRspack from '@popylar/core/rspack'
import popylarVite from '@popylar/core/vite'
import popylarWebpack from '@popylar/core/webpack'
import { runCompiler } from './run-compiler.js'

export type Bundler = 'esbuild' | 'rollup' | 'vite' | 'webpack' | 'rspack' | 'rolldown'
export const BUNDLERS: readonly Bundler[] = ['esbuild', 'rollup', 'vite', 'webpack', 'rspack', 'rolldown']

export const TEST_MEASUREMENT_ID = 'G-TEST1234'

export interface BuildRequest {
  /** The library's folder. */
  dir: string
  /** Relative to dir. Default: src/index.js. */
  entry?: string
  format?: 'esm' | 'cjs'
  measurementId?: string
  options?: PopylarOptions
  sourcemap?: boolean
  /** Other plugins, placed before popylar. */
  plugins?: unknown[]
  /** Changes the bundler's config object before the build (each bundler's own shape). */
  configure?: (config: Record<string, any>) => void
  /** webpack and rspack: 'production' (default) or 'development'. */
  mode?: 'production' | 'development'
}

export function outputName(format: 'esm' | 'cjs' = 'esm'): string {
  return format === 'esm' ? 'index.mjs' : 'index.cjs'
}

/** Builds the library; resolves with the absolute path of the written bundle. */
export async function buildLibrary(bundler: Bundler, request: BuildRequest): Promise<string> {
  const format = request.format ?? 'esm'
  const file = join(request.dir, 'dist', outputName(format))
  const builders: Record<Bundler, () => Promise<void>> = {
    esbuild: buildEsbuild,
    rollup: buildRollup,
    vite: buildVite,
    webpack: buildWebpack,
    rspack: buildRspack,
    rolldown: buildRolldown,
  }
  await builders[bundler]()
  return file

  function id() {
    return request.measurementId ?? TEST_MEASUREMENT_ID
  }

  async function buildEsbuild() {
    const { build } = await import('esbuild')
    const config: Record<string, any> = {
      absWorkingDir: request.dir,
      entryPoints: [request.entry ?? 'src/index.js'],
      bundle: true,
      platform: 'node',
      format,
      outfile: file,
      sourcemap: request.sourcemap,
      logLevel: 'silent',
      plugins: [...(request.plugins ?? []), popylarEsbuild(id(), request.options)],
    }
    request.configure?.(config)
    await build(config as BuildOptions)
  }

  async function buildRollup() {
    const { rollup } = await import('rollup')
    const config: Record<string, any> = {
      input: join(request.dir, request.entry ?? 'src/index.js'),
      plugins: [...(request.plugins ?? [])],
      onLog: () => {},
      output: { file, format: format === 'esm' ? 'es' : 'cjs', sourcemap: request.sourcemap },
    }
    request.configure?.(config)
    config.plugins.push(popylarRollup(id(), request.options))
    const bundle = await rollup(config)
    await bundle.write(config.output)
    await bundle.close()
  }

  async function buildRolldown() {
    const { rolldown } = await import('rolldown')
    const config: Record<string, any> = {
      input: join(request.dir, request.entry ?? 'src/index.js'),
      cwd: request.dir,
      plugins: [...(request.plugins ?? [])],
      logLevel: 'silent',
      output: { file, format: format === 'esm' ? 'es' : 'cjs', sourcemap: request.sourcemap },
    }
    request.configure?.(config)
    config.plugins.push(popylarRolldown(id(), request.options))
    const bundle = await rolldown(config)
    await bundle.write(config.output)
    await bundle.close()
  }

  async function buildVite() {
    const { build } = await import('vite')
    const config: Record<string, any> = {
      root: request.dir,
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: 'dist',
        emptyOutDir: true,
        minify: false,
        sourcemap: request.sourcemap,
        lib: {
          entry: request.entry ?? 'src/index.js',
          formats: [format === 'esm' ? 'es' : 'cjs'],
          fileName: () => outputName(format),
        },
      },
      plugins: [...(request.plugins ?? []), popylarVite(id(), request.options)],
    }
    request.configure?.(config)
    await keepingNodeEnv(() => build(config))
  }

  function webpackConfig(plugin: unknown): Record<string, any> {
    const config: Record<string, any> = {
      context: request.dir,
      mode: request.mode ?? 'production',
      target: 'node',
      entry: `./${request.entry ?? 'src/index.js'}`,
      output: {
        path: join(request.dir, 'dist'),
        filename: outputName(format),
        library: { type: format === 'esm' ? 'module' : 'commonjs2' },
        module: format === 'esm',
      },
      experiments: { outputModule: format === 'esm' },
      devtool: request.sourcemap ? 'source-map' : false,
      infrastructureLogging: { level: 'error' },
      plugins: [...(request.plugins ?? []), plugin],
    }
    request.configure?.(config)
    return config
  }

  async function buildWebpack() {
    const { default: webpack } = await import('webpack')
    await runCompiler(webpack(webpackConfig(popylarWebpack(id(), request.options)) as never))
  }

  async function buildRspack() {
    const { rspack } = await import('@rspack/core')
    await runCompiler(rspack(webpackConfig(popylarRspack(id(), request.options)) as never))
  }
}

/** Vite sets process.env.NODE_ENV for the whole process when it builds or serves; later builds and servers in this process must not inherit it. */
export async function keepingNodeEnv<T>(work: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV
  try {
    return await work()
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = previous
  }
}
