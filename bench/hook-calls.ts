// Hook calls: how often the plugin does work (hookStats) when the library has one entry and when it
// has two, and how often the bundler calls into the plugin at all. Work must follow entries, not modules.
import { join } from 'node:path'
import { runBuild } from './build-child.js'
import { BUNDLERS, type Bundler } from './bundlers.js'
import type { GeneratedLibrary } from './generate-library.js'
import { tmpPath } from './paths.js'

export interface HookCallsResult {
  bundler: Bundler
  oneEntry?: Record<string, number>
  twoEntries?: Record<string, number>
  /** Every call the bundler made into the plugin's hooks, by hook (rollup, Vite and rolldown plugins are hook objects). */
  callsOneEntry?: Record<string, number>
  callsTwoEntries?: Record<string, number>
  error?: string
}

export async function measureHookCalls(
  library: GeneratedLibrary,
  coreDir: string,
  log: (line: string) => void,
): Promise<HookCallsResult[]> {
  const results: HookCallsResult[] = []
  for (const bundler of BUNDLERS) {
    const build = (entries: Record<string, string>) =>
      runBuild(
        {
          bundler,
          root: library.root,
          entries,
          outDir: join(tmpPath('hook-calls', bundler), String(Object.keys(entries).length)),
          format: 'esm',
          coreDir,
          countCalls: true,
        },
        library.root,
      )
    try {
      const one = await build({ index: library.mainEntry })
      const two = await build({ index: library.mainEntry, extra: library.extraEntry })
      const calls = (r: typeof one) => (r.hookCalls && Object.keys(r.hookCalls).length ? r.hookCalls : undefined)
      results.push({
        bundler,
        oneEntry: one.hookStats,
        twoEntries: two.hookStats,
        callsOneEntry: calls(one),
        callsTwoEntries: calls(two),
      })
      log(`  ${bundler}: 1 entry ${JSON.stringify(one.hookStats)}, 2 entries ${JSON.stringify(two.hookStats)}`)
    } catch (error) {
      results.push({ bundler, error: (error as Error).message })
    }
  }
  return results
}
