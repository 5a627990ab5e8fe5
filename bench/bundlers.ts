// One library build, the way an author would configure each bundler, with or without popylar.
// Bundlers are imported on demand, so a process that builds with one never loads the others.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runCompiler, type CompilerLike } from '../test/support/run-compiler.js'

export const BUNDLERS = ['vite', 'webpack', 'esbuild', 'rollup', 'rspack', 'rolldown'] as const
export type Bundler = (typeof BUNDLERS)[number]

/** Output formats that each bundler's library build can write. */
export type Format = 'esm' | 'cjs' | 'iife'
export const FORMATS: Record<Bundler, Format[]> = {
  vite: ['esm', 'cjs', 'iife'],
  webpack: ['esm', 'cjs'],
  esbuild: ['esm', 'cjs', 'iife'],
  rollup: ['esm', 'cjs', 'iife'],
  rspack: ['esm', 'cjs'],
  rolldown: ['esm', 'cjs', 'iife'],
}

export interface BuildSpec {
  bundler: Bundler
  /** The library's folder (holds package.json). */
  root: string
  /** Absolute paths, named by their output file name. */
  entries: Record<string, string>
  outDir: string
  format: Format
  /** Let the bundler minify (the size benchmark); off for the build-time benchmark. */
  minify?: boolean
  /** popylar's plugin, or undefined for the plain build. */
  plugin?: unknown
}

/** The popylar plugin for a bundler, from the core package's built files in coreDir. */
export async function loadPopylar(
  coreDir: string,
  bundler: Bundler,
): Promise<(id: string, options?: object) => unknown> {
  const module = await import(pathToFileURL(join(coreDir, 'dist', `${bundler}.mjs`)).href)
  return module.default
}

const extension = (format: Format) => (format === 'esm' ? '.mjs' : format === 'cjs' ? '.cjs' : '.js')
const rollupFormat = (format: Format) => (format === 'esm' ? 'es' : format)
const plugins = (spec: BuildSpec): any[] => (spec.plugin ? [spec.plugin] : [])

async function buildWithVite(spec: BuildSpec): Promise<void> {
  const { build } = await import('vite')
  await build({
    root: spec.root,
    configFile: false,
    logLevel: 'silent',
    plugins: plugins(spec),
    build: {
      outDir: spec.outDir,
      emptyOutDir: true,
      minify: !!spec.minify,
      reportCompressedSize: false,
      lib: {
        entry: spec.entries,
        formats: [rollupFormat(spec.format) as 'es' | 'cjs' | 'iife'],
        name: 'benchLib',
        fileName: (_format, entryName) => entryName + extension(spec.format),
      },
    },
  })
}

async function buildWithWebpackLike(spec: BuildSpec, bundler: 'webpack' | 'rspack'): Promise<void> {
  const create: (config: object) => CompilerLike =
    bundler === 'webpack' ? (await import('webpack')).default : (await import('@rspack/core')).rspack
  const config = {
    mode: 'production',
    context: spec.root,
    target: 'node',
    entry: spec.entries,
    devtool: false,
    output: {
      path: spec.outDir,
      filename: `[name]${extension(spec.format)}`,
      library: { type: spec.format === 'esm' ? 'module' : 'commonjs2' },
      clean: true,
    },
    experiments: spec.format === 'esm' ? { outputModule: true } : {},
    optimization: { minimize: !!spec.minify },
    performance: { hints: false },
    plugins: plugins(spec),
  }
  await runCompiler(create(config))
}

async function buildWithEsbuild(spec: BuildSpec): Promise<void> {
  const { build } = await import('esbuild')
  await build({
    absWorkingDir: spec.root,
    entryPoints: spec.entries,
    bundle: true,
    platform: 'node',
    format: spec.format,
    globalName: spec.format === 'iife' ? 'benchLib' : undefined,
    outdir: spec.outDir,
    outExtension: { '.js': extension(spec.format) },
    minify: !!spec.minify,
    logLevel: 'silent',
    plugins: plugins(spec),
  })
}

async function buildWithRollup(spec: BuildSpec): Promise<void> {
  const { rollup } = await import('rollup')
  const bundle = await rollup({ input: spec.entries, plugins: plugins(spec), onwarn: () => {} })
  // rollup has no minifier of its own: the size benchmark minifies its output afterwards.
  await bundle.write({
    dir: spec.outDir,
    format: rollupFormat(spec.format) as 'es',
    entryFileNames: `[name]${extension(spec.format)}`,
    name: 'benchLib',
  })
  await bundle.close()
}

async function buildWithRolldown(spec: BuildSpec): Promise<void> {
  const { rolldown } = await import('rolldown')
  const bundle = await rolldown({
    input: spec.entries,
    cwd: spec.root,
    platform: 'node',
    plugins: plugins(spec),
    onwarn: () => {},
  } as never)
  await bundle.write({
    dir: spec.outDir,
    format: rollupFormat(spec.format) as 'es',
    entryFileNames: `[name]${extension(spec.format)}`,
    name: 'benchLib',
    minify: !!spec.minify,
  })
  await bundle.close()
}

/** Imports a bundler ahead of a timed build, so that the time is the build's own. */
export async function preloadBundler(bundler: Bundler): Promise<void> {
  const modules = {
    vite: 'vite',
    webpack: 'webpack',
    esbuild: 'esbuild',
    rollup: 'rollup',
    rspack: '@rspack/core',
    rolldown: 'rolldown',
  }
  await import(modules[bundler])
}

export async function buildLibrary(spec: BuildSpec): Promise<void> {
  switch (spec.bundler) {
    case 'vite':
      return buildWithVite(spec)
    case 'webpack':
    case 'rspack':
      return buildWithWebpackLike(spec, spec.bundler)
    case 'esbuild':
      return buildWithEsbuild(spec)
    case 'rollup':
      return buildWithRollup(spec)
    case 'rolldown':
      return buildWithRolldown(spec)
  }
}

export function outputFile(spec: Pick<BuildSpec, 'outDir' | 'format'>, entryName: string): string {
  return join(spec.outDir, entryName + extension(spec.format))
}
