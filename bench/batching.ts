// Batching: one program imports 20 instrumented libraries. Its events leave in one request, and
// the 20 imports together cost little more than 20 plain ones.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startCollector } from '@popylar/tools/collector'
import { freshHome, run } from '../test/support/run.js'
import { clientIdOf } from './delivery.js'
import { alternatingSamples, timeImports } from './import-timer.js'
import { copyLibrary, NAME_PLACEHOLDER } from './library-copies.js'
import { COMPILED_ENDPOINTS } from './network-states.js'
import { tmpPath } from './paths.js'
import { buildSmallLibrary } from './small-library.js'
import { compare, type Comparison } from './stats.js'

export const LIBRARIES = 20

export interface BatchingResult {
  /** Time to import the 20 libraries, plain against instrumented, in one process. */
  sync: Comparison
  /** Per whole-process run: requests and events that reached the collector. */
  runs: Array<{ requests: number; events: number }>
}

/** A program that imports `count` copies of a library statically, as a real program imports its dependencies. */
function writeProgram(dir: string, source: string, tag: string, firstName: number | undefined): string {
  const imports: string[] = []
  for (let k = 0; k < LIBRARIES; k++) {
    const file = `${tag}-lib-${k}.mjs`
    copyLibrary(source, join(dir, file), firstName === undefined ? undefined : firstName + k)
    imports.push(`import './${file}'`)
  }
  const program = join(dir, `${tag}-program.mjs`)
  writeFileSync(program, `${imports.join('\n')}\n`)
  return program
}

export async function measureBatching(
  coreDir: string,
  pairs: number,
  processRuns: number,
  warmup = 5,
): Promise<BatchingResult> {
  const base = tmpPath('batching')
  const plain = await buildSmallLibrary({ dir: join(base, 'plain'), name: NAME_PLACEHOLDER, plugin: false })
  const tracked = await buildSmallLibrary({
    dir: join(base, 'tracked'),
    name: NAME_PLACEHOLDER,
    plugin: { coreDir, options: { endpoint: COMPILED_ENDPOINTS.loopback } },
  })
  const copies = join(base, 'copies')
  rmSync(copies, { recursive: true, force: true })
  mkdirSync(copies, { recursive: true })

  // In one process: each sample imports 20 fresh copies, under names no earlier sample used.
  const total = pairs + warmup
  const programsA: string[] = []
  const programsB: string[] = []
  for (let i = 0; i < total; i++) {
    programsA.push(writeProgram(copies, plain, `a${i}`, undefined))
    programsB.push(writeProgram(copies, tracked, `b${i}`, (i + 1) * LIBRARIES))
  }
  const samples = alternatingSamples(
    total,
    (i) => programsA[i]!,
    (i) => programsB[i]!,
  )
  const { timings } = await timeImports({ samples, pauseMs: 80 }, 'batching')
  const measured = timings.slice(warmup * 2)
  const sync = compare(
    measured.filter((t) => t.kind === 'a').map((t) => t.importMs),
    measured.filter((t) => t.kind === 'b').map((t) => t.importMs),
  )

  // As whole processes: count what reaches the collector from each run.
  const program = writeProgram(copies, tracked, 'process', 0)
  const collector = await startCollector()
  const runs: BatchingResult['runs'] = []
  try {
    for (let i = 0; i < processRuns; i++) {
      const home = freshHome()
      try {
        const result = await run(process.execPath, [program], {
          env: { ...home.env, POPYLAR_ENDPOINT: collector.url },
          cwd: home.cwd,
        })
        if (result.code !== 0) throw new Error(`the batching program failed (${result.code}): ${result.stderr}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
        const id = clientIdOf(home.configFile)
        const requests = collector.requests.filter((request) => request.clientId === id)
        runs.push({
          requests: requests.length,
          events: requests.reduce((sum, request) => sum + request.events.length, 0),
        })
      } finally {
        rmSync(home.dir, { recursive: true, force: true })
      }
    }
  } finally {
    await collector.close()
  }
  return { sync, runs }
}
