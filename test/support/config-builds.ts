// Builds a library the way its author does: a config file (or build script) in the library's folder
// with the one popylar line, and the bundler's command run in a child process. What the author sees
// (exit code, the message printed) is what the test sees.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Bundler } from './bundlers.js'
import { run, type RunResult } from './run.js'
import type { ThrowawayLibrary } from './throwaway-library.js'

export interface ConfigBuild {
  /** Where popylar is imported from, e.g. '@popylar/vite' or '@popylar/core/rollup'. */
  importFrom: string
  /** The arguments of the popylar(...) call, as JavaScript source. */
  popylarArgs: string
  /** Relative to the library. Default: src/index.js. */
  entry?: string
}

/** Where every config writes its bundle, relative to the library. */
export const CONFIG_OUTPUT = 'dist/index.mjs'

/** The folder of a package installed in dir's node_modules or above. */
export function installedPackage(dir: string, name: string): string {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(current) === current) throw new Error(`${name} is not installed in ${dir} or above`)
  }
}

function binOf(dir: string, name: string): string {
  const folder = installedPackage(dir, name)
  const { bin } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
  return join(folder, typeof bin === 'string' ? bin : bin[name])
}

/** Writes the config for one bundler; returns the node arguments that build with it. */
export function writeBuildConfig(bundler: Bundler, library: ThrowawayLibrary, build: ConfigBuild): string[] {
  const entry = JSON.stringify(build.entry ?? 'src/index.js')
  const head = `import popylar from ${JSON.stringify(build.importFrom)}\n`
  const call = `popylar(${build.popylarArgs})`
  // webpack and rspack have no CLI installed here: a script that does what their CLI does.
  const compilerScript = (factory: string) =>
    `${factory}\n${head}\n` +
    `const config = { context: process.cwd(), mode: 'production', target: 'node', entry: './' + ${entry},\n` +
    `  output: { path: process.cwd() + '/dist', filename: 'index.mjs', library: { type: 'module' }, module: true },\n` +
    `  experiments: { outputModule: true }, plugins: [${call}] }\n` +
    `compile(config, (error, stats) => {\n` +
    `  if (error) { console.error(error); process.exit(1) }\n` +
    `  if (stats.hasErrors()) { console.error(stats.toString('errors-only')); process.exit(1) }\n` +
    `})\n`
  switch (bundler) {
    case 'vite':
      library.write(
        'vite.config.mjs',
        `${head}export default { logLevel: 'warn', build: { minify: false, lib: { entry: ${entry}, formats: ['es'], fileName: () => 'index.mjs' } }, plugins: [${call}] }\n`,
      )
      return [binOf(library.dir, 'vite'), 'build']
    case 'rollup':
    case 'rolldown':
      library.write(
        `${bundler}.config.mjs`,
        `${head}export default { input: ${entry}, output: { file: ${JSON.stringify(CONFIG_OUTPUT)}, format: 'es' }, plugins: [${call}] }\n`,
      )
      return [binOf(library.dir, bundler), '-c', `${bundler}.config.mjs`]
    case 'esbuild':
      library.write(
        'build.mjs',
        `import { build } from 'esbuild'\n${head}await build({ entryPoints: [${entry}], bundle: true, platform: 'node', format: 'esm', outfile: ${JSON.stringify(CONFIG_OUTPUT)}, plugins: [${call}] })\n`,
      )
      return ['build.mjs']
    case 'webpack':
      library.write('build.mjs', compilerScript(`import compile from 'webpack'`))
      return ['build.mjs']
    case 'rspack':
      library.write('build.mjs', compilerScript(`import { rspack as compile } from '@rspack/core'`))
      return ['build.mjs']
  }
}

export interface ConfigBuildResult extends RunResult {
  /** stdout and stderr together: where a bundler prints a failure differs. */
  output: string
  bundle: string
}

/** Builds with the author's config in a child process. */
export async function buildWithConfig(
  bundler: Bundler,
  library: ThrowawayLibrary,
  build: ConfigBuild,
): Promise<ConfigBuildResult> {
  const args = writeBuildConfig(bundler, library, build)
  const result = await run(process.execPath, args, { cwd: library.dir, timeoutMs: 120_000 })
  return { ...result, output: result.stdout + result.stderr, bundle: library.path(CONFIG_OUTPUT) }
}
