// The programs the bench runs as child processes are written in TypeScript under children/ and
// compiled here to plain .mjs, so that no TypeScript loader sits in the processes being measured.
import { build } from 'esbuild'
import { join } from 'node:path'
import { BENCH_DIR, tmpPath } from './paths.js'

export type ChildName = 'build-once' | 'import-timer' | 'dns-server'

const compiled = new Map<ChildName, string>()

/** The path of the compiled child program. */
export async function childProgram(name: ChildName): Promise<string> {
  const known = compiled.get(name)
  if (known) return known
  const outfile = join(tmpPath('children'), `${name}.mjs`)
  await build({
    entryPoints: [join(BENCH_DIR, 'children', `${name}.ts`)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  })
  compiled.set(name, outfile)
  return outfile
}
