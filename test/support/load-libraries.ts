// Loads built libraries the way a program would, in a fresh Node process with a home of its own: ESM
// builds with import(), CommonJS builds with require(), then calls each library's function once.
import { rmSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { assertBuilt, type LibraryOutput } from './fixtures.js'
import { freshHome, run, runNodeScript, type Home, type RunResult } from './run.js'
import { writeConfigFile } from './temp-home.js'

export interface LoadOptions {
  /** The local collector: POPYLAR_ENDPOINT. */
  endpoint: string
  /** More environment variables (DO_NOT_TRACK, …). */
  env?: Record<string, string>
  /** The content of the fresh home's popylar/config.json, written before the program starts. */
  config?: unknown
}

export interface LoadResult extends RunResult {
  /** What each library's function returned, in order; undefined when the program failed. */
  returned: string[] | undefined
}

/**
 * The program's source. Only CommonJS builds: a real CommonJS script that require()s them. Otherwise
 * an ES module with static imports (evaluated together, as in most programs), then require() (createRequire).
 */
export function loadingScript(outputs: LibraryOutput[]): { source: string; type: 'module' | 'commonjs' } {
  const calls = outputs.map((output, i) => `library${i}[${JSON.stringify(output.fn)}]('Ada')`)
  const print = `console.log(JSON.stringify([${calls.join(', ')}]))`
  if (outputs.every((output) => output.format === 'cjs')) {
    return {
      type: 'commonjs',
      source: [
        ...outputs.map((output, i) => `const library${i} = require(${JSON.stringify(output.file)})`),
        print,
      ].join('\n'),
    }
  }
  const lines = [`import { createRequire } from 'node:module'`]
  outputs.forEach((output, i) => {
    if (output.format === 'esm')
      lines.push(`import * as library${i} from ${JSON.stringify(pathToFileURL(output.file).href)}`)
  })
  lines.push(`const require = createRequire(${JSON.stringify(pathToFileURL(outputs[0]!.file).href)})`)
  outputs.forEach((output, i) => {
    if (output.format === 'cjs') lines.push(`const library${i} = require(${JSON.stringify(output.file)})`)
  })
  return { type: 'module', source: [...lines, print].join('\n') }
}

function prepareHome(options: LoadOptions): { home: Home; env: Record<string, string> } {
  const home = freshHome()
  if (options.config !== undefined) writeConfigFile(home, options.config)
  return { home, env: { ...home.env, POPYLAR_ENDPOINT: options.endpoint, ...options.env } }
}

function parseReturned(stdout: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(stdout)
    return Array.isArray(value) ? value.map(String) : undefined
  } catch {
    return undefined
  }
}

/** Runs a program that loads the given builds, in a new machine's home (removed afterwards). */
export async function loadLibraries(outputs: LibraryOutput[], options: LoadOptions): Promise<LoadResult> {
  assertBuilt(...outputs.map((output) => output.file))
  const { home, env } = prepareHome(options)
  try {
    const { source, type } = loadingScript(outputs)
    const result = await runNodeScript(source, { env, cwd: home.cwd, type })
    return { ...result, returned: parseReturned(result.stdout) }
  } finally {
    rmSync(home.dir, { recursive: true, force: true })
  }
}

/** Runs a built program (a consumer app) with node, in a new machine's home (removed afterwards). */
export async function runProgram(file: string, options: LoadOptions): Promise<RunResult> {
  assertBuilt(file)
  const { home, env } = prepareHome(options)
  try {
    return await run(process.execPath, [file], { env, cwd: home.cwd })
  } finally {
    rmSync(home.dir, { recursive: true, force: true })
  }
}
