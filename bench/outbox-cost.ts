// Outbox cost: the main-thread work a run does after its import (the send, with the outbox checked for
// events that earlier runs left) when popylar/outbox/ holds 10,000 files that are not waiting events,
// against an empty outbox. One process, one config home per kind of sample (XDG_CONFIG_HOME set before
// each import), the same client id in both; alternating, as in the import cost.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { copyLibrary, NAME_PLACEHOLDER } from './library-copies.js'
import { alternatingSamples, timeImports } from './import-timer.js'
import { COMPILED_ENDPOINTS } from './network-states.js'
import { BENCH_MEASUREMENT_ID, tmpPath } from './paths.js'
import { buildSmallLibrary } from './small-library.js'
import { compare, type Comparison } from './stats.js'

export const JUNK_FILES = 10_000

export interface OutboxCostResult {
  /** Main-thread work after the import: empty outbox (a), outbox of junk (b). */
  deferred: Comparison
  /** The imports themselves, for the record: the outbox is looked at only after the import. */
  import: Comparison
  pairs: number
}

/** A config home with a client id and an outbox folder, empty or holding junk. */
function configHome(dir: string, junk: number): string {
  const outbox = join(dir, 'popylar', 'outbox')
  mkdirSync(outbox, { recursive: true, mode: 0o700 })
  writeFileSync(
    join(dir, 'popylar', 'config.json'),
    JSON.stringify({ clientId: '7bc11503-ad61-421b-a481-59a55d518ef1' }),
  )
  const event = JSON.stringify([
    {
      measurementId: BENCH_MEASUREMENT_ID,
      endpoint: COMPILED_ENDPOINTS.loopback,
      consent: 'opt-out',
      ci: true,
      time: Date.now(),
      event: { name: 'import', params: {} },
    },
  ])
  // Half of them names of no meaning, half events for measurement ids that no library of the program sends to.
  for (let i = 0; i < junk; i++)
    writeFileSync(join(outbox, i % 2 ? `gtag.G-OTHER${i}.0.json` : `junk-${i}.bin`), i % 2 ? event : 'junk')
  return dir
}

export async function measureOutboxCost(coreDir: string, pairs: number, warmup = 10): Promise<OutboxCostResult> {
  const base = tmpPath('outbox-cost')
  const tracked = await buildSmallLibrary({
    dir: join(base, 'tracked'),
    name: NAME_PLACEHOLDER,
    plugin: { coreDir, options: { endpoint: COMPILED_ENDPOINTS.loopback } },
  })
  const copies = join(base, 'copies')
  mkdirSync(copies, { recursive: true })
  const total = pairs + warmup
  for (let i = 0; i < 2 * total; i++) copyLibrary(tracked, join(copies, `tracked-${i}.mjs`), i)
  const empty = configHome(tmpPath('outbox-cost', 'empty'), 0)
  const junk = configHome(tmpPath('outbox-cost', 'junk'), JUNK_FILES)
  const samples = alternatingSamples(
    total,
    (i) => join(copies, `tracked-${2 * i}.mjs`),
    (i) => join(copies, `tracked-${2 * i + 1}.mjs`),
  ).map((sample) => ({ ...sample, env: { XDG_CONFIG_HOME: sample.kind === 'a' ? empty : junk } }))
  const { timings } = await timeImports({ samples, pauseMs: 40 }, 'outbox-cost')
  const measured = timings.slice(warmup * 2)
  const of = (kind: 'a' | 'b', key: 'importMs' | 'deferredMs') =>
    measured.filter((t) => t.kind === kind).map((t) => t[key])
  return {
    deferred: compare(of('a', 'deferredMs'), of('b', 'deferredMs')),
    import: compare(of('a', 'importMs'), of('b', 'importMs')),
    pairs,
  }
}
