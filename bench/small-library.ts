// A small real library (a few modules, a few functions), built with esbuild the way an author would,
// with popylar or without: what the runtime figures (import cost, exit delay, batching) import.
import { build, type Plugin } from 'esbuild'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadPopylar } from './bundlers.js'
import { BENCH_MEASUREMENT_ID } from './paths.js'

const SOURCES: Record<string, string> = {
  'index.js': `export { slugify } from './slugify.js'\nexport { formatBytes } from './format.js'\nexport const version = '1.0.0'\n`,
  'slugify.js': `export function slugify(text) {\n  return String(text).normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')\n}\n`,
  'format.js': `const units = ['B', 'kB', 'MB', 'GB', 'TB']\nexport function formatBytes(bytes) {\n  let unit = 0\n  while (bytes >= 1000 && unit < units.length - 1) {\n    bytes /= 1000\n    unit++\n  }\n  return bytes.toFixed(unit ? 1 : 0) + ' ' + units[unit]\n}\n`,
}

/** Writes the library's package.json and sources into dir; returns its entry. */
export function writeSmallLibrary(dir: string, name: string): string {
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module' }))
  for (const [file, text] of Object.entries(SOURCES)) writeFileSync(join(dir, 'src', file), text)
  return join(dir, 'src', 'index.js')
}

export interface SmallLibraryOptions {
  dir: string
  name: string
  /** popylar's plugin options, or false for the plain build. */
  plugin: false | { coreDir: string; options?: object }
  format?: 'esm' | 'cjs'
  platform?: 'node' | 'neutral'
  minify?: boolean
}

/** Writes the sources into dir and builds dist/index.mjs (or .cjs); returns the output's path. */
export async function buildSmallLibrary(options: SmallLibraryOptions): Promise<string> {
  const { dir, name } = options
  const format = options.format ?? 'esm'
  writeSmallLibrary(dir, name)
  const plugins: Plugin[] = []
  if (options.plugin) {
    const popylar = await loadPopylar(options.plugin.coreDir, 'esbuild')
    plugins.push(
      popylar(BENCH_MEASUREMENT_ID, {
        packageName: name,
        packageVersion: '1.0.0',
        ...options.plugin.options,
      }) as Plugin,
    )
  }
  const outfile = join(dir, 'dist', format === 'esm' ? 'index.mjs' : 'index.cjs')
  await build({
    absWorkingDir: dir,
    entryPoints: ['src/index.js'],
    bundle: true,
    format,
    platform: options.platform ?? 'node',
    target: 'node20',
    minify: options.minify ?? false,
    outfile,
    logLevel: 'silent',
    plugins,
  })
  return outfile
}
