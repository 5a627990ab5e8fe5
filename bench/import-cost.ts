// Import cost: the time of importing the instrumented library against the plain build, in one
// process, warm. Every import is of a fresh copy, so each is a first import, and each copy has its
// own package name, so the tracker does its full work (queue an event, schedule the send) each time.
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { copyLibrary, NAME_PLACEHOLDER } from './library-copies.js'
import { alternatingSamples, timeImports } from './import-timer.js'
import { COMPILED_ENDPOINTS } from './network-states.js'
import { tmpPath } from './paths.js'
import { buildSmallLibrary } from './small-library.js'
import { compare, type Comparison } from './stats.js'

export interface ImportCostResult {
  import: Comparison
  /** Main-thread work after the import returned (the deferred send), plain and instrumented. */
  deferred: Comparison
  pairs: number
  warmup: number
}

export async function measureImportCost(coreDir: string, pairs: number, warmup = 10): Promise<ImportCostResult> {
  const base = tmpPath('import-cost')
  const plain = await buildSmallLibrary({ dir: join(base, 'plain'), name: NAME_PLACEHOLDER, plugin: false })
  const tracked = await buildSmallLibrary({
    dir: join(base, 'tracked'),
    name: NAME_PLACEHOLDER,
    plugin: { coreDir, options: { endpoint: COMPILED_ENDPOINTS.loopback } },
  })
  const copies = join(base, 'copies')
  mkdirSync(copies, { recursive: true })
  const total = pairs + warmup
  for (let i = 0; i < total; i++) {
    copyLibrary(plain, join(copies, `plain-${i}.mjs`))
    copyLibrary(tracked, join(copies, `tracked-${i}.mjs`), i)
  }
  const samples = alternatingSamples(
    total,
    (i) => join(copies, `plain-${i}.mjs`),
    (i) => join(copies, `tracked-${i}.mjs`),
  )
  const { timings } = await timeImports({ samples, pauseMs: 40 }, 'import-cost')
  const measured = timings.slice(warmup * 2)
  const of = (kind: 'a' | 'b', key: 'importMs' | 'deferredMs') =>
    measured.filter((t) => t.kind === kind).map((t) => t[key])
  return {
    import: compare(of('a', 'importMs'), of('b', 'importMs')),
    deferred: compare(of('a', 'deferredMs'), of('b', 'deferredMs')),
    pairs,
    warmup,
  }
}
