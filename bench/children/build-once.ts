// Child process: builds the library once with one bundler, with or without popylar, and prints
// {"loadMs", "buildMs", "hookStats", "hookCalls"} as its last line. A fresh process per build, as `npm run build` is.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildLibrary, loadPopylar, preloadBundler, type BuildSpec } from '../bundlers.js'

export interface BuildJob extends Omit<BuildSpec, 'plugin'> {
  /** The core package's folder to load popylar from; absent for the plain build. */
  coreDir?: string
  pluginOptions?: object
  /** Count every call the bundler makes into the plugin's hooks (slows the build: never in timed runs). */
  countCalls?: boolean
}

export interface BuildOutcome {
  /** Loading popylar's plugin (0 for the plain build); the bundler itself is loaded before. */
  loadMs: number
  buildMs: number
  /** CPU time (user + system, all threads) of the build call, and of the whole process. */
  buildCpuMs: number
  processCpuMs: number
  hookStats?: Record<string, number>
  /** Calls per hook, when countCalls was asked for. */
  hookCalls?: Record<string, number>
}

type Hooks = Record<string, unknown>

/**
 * The plugin's hooks with a counter on each: every call the bundler makes into popylar, whichever
 * bundler, including bundler-specific hooks (`rollup.transform`, `webpack`, `esbuild.setup`).
 */
function countingHooks(hooks: Hooks, calls: Record<string, number>, prefix = ''): Hooks {
  const counted: Hooks = { ...hooks }
  for (const [name, value] of Object.entries(hooks)) {
    const key = prefix + name
    const count = () => {
      calls[key] = (calls[key] ?? 0) + 1
    }
    if (typeof value === 'function') {
      counted[name] = function (this: unknown, ...args: unknown[]) {
        count()
        return (value as (...a: unknown[]) => unknown).apply(this, args)
      }
    } else if (value && typeof value === 'object' && typeof (value as { handler?: unknown }).handler === 'function') {
      const handler = (value as { handler: (...a: unknown[]) => unknown }).handler
      counted[name] = {
        ...value,
        handler(this: unknown, ...args: unknown[]) {
          count()
          return handler.apply(this, args)
        },
      }
    } else if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RegExp) && !prefix) {
      counted[name] = countingHooks(value as Hooks, calls, `${name}.`)
    }
  }
  return counted
}

/** popylar's plugin for the bundler, rebuilt from its factory with every hook counted. */
async function countedPlugin(
  coreDir: string,
  bundler: BuildJob['bundler'],
  options: object,
  calls: Record<string, number>,
): Promise<unknown> {
  const { popylarFactory } = await import(pathToFileURL(join(coreDir, 'dist', 'plugin', 'index.mjs')).href)
  const { createUnplugin } = await import('unplugin')
  // The factory may return one plugin or several (unplugin's nested plugins): count them all.
  const counted = createUnplugin((input: unknown, meta: unknown) => {
    const plugins: Hooks | Hooks[] = popylarFactory(input, meta)
    return (
      Array.isArray(plugins) ? plugins.map((plugin) => countingHooks(plugin, calls)) : countingHooks(plugins, calls)
    ) as never
  })
  return (counted as unknown as Record<string, (input: object) => unknown>)[bundler]!({
    measurementId: 'G-BENCH12345',
    options,
  })
}

const job = JSON.parse(process.argv[2]!) as BuildJob
await preloadBundler(job.bundler)
const started = performance.now()
const calls: Record<string, number> = {}
let plugin: unknown
if (job.coreDir) {
  if (job.countCalls) plugin = await countedPlugin(job.coreDir, job.bundler, job.pluginOptions ?? {}, calls)
  else plugin = (await loadPopylar(job.coreDir, job.bundler))('G-BENCH12345', job.pluginOptions ?? {})
}
const loaded = performance.now()
const cpuBefore = process.cpuUsage()
await buildLibrary({ ...job, plugin })
const cpu = process.cpuUsage(cpuBefore)
const built = performance.now()
const usage = process.resourceUsage()
const outcome: BuildOutcome = {
  loadMs: loaded - started,
  buildMs: built - loaded,
  buildCpuMs: (cpu.user + cpu.system) / 1000,
  processCpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  // popylar keeps its count in one object per process (plugin/stats.ts): read without loading another file of popylar.
  hookStats: job.coreDir
    ? { ...(globalThis as { [key: symbol]: object })[Symbol.for('popylar.hookStats')] }
    : undefined,
  hookCalls: job.countCalls ? calls : undefined,
}
process.stdout.write(`\n${JSON.stringify(outcome)}\n`)
// Some bundlers keep worker threads or handles around: this process has said all it had to say.
process.exit(0)
