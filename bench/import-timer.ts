// Runs children/import-timer.ts in a clean process with a fresh home, the tracker's requests going
// to a local collector, and returns its timings.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freshHome, run } from '../test/support/run.js'
import type { ImportJob, ImportTiming } from './children/import-timer.js'
import { startCollector } from '@popylar/tools/collector'
import { childProgram } from './children.js'
import { tmpPath } from './paths.js'

export async function timeImports(
  job: ImportJob,
  name: string,
): Promise<{ timings: ImportTiming[]; requests: number }> {
  const jobFile = join(tmpPath('jobs'), `${name}.json`)
  writeFileSync(jobFile, JSON.stringify(job))
  const collector = await startCollector()
  const home = freshHome()
  try {
    const result = await run(process.execPath, [await childProgram('import-timer'), jobFile], {
      env: { ...home.env, POPYLAR_ENDPOINT: collector.url },
      cwd: home.cwd,
      timeoutMs: 300_000,
    })
    if (result.code !== 0) throw new Error(`import timer failed (${result.code}): ${result.stderr}`)
    if (result.stderr) throw new Error(`import timer printed to stderr: ${result.stderr}`)
    return { timings: JSON.parse(result.stdout.trim().split('\n').pop()!), requests: collector.requests.length }
  } finally {
    await collector.close()
    rmSync(home.dir, { recursive: true, force: true })
  }
}

/** A/B, B/A, A/B...: the order flips every pair, as in stats.alternate. */
export function alternatingSamples(
  pairs: number,
  fileA: (i: number) => string,
  fileB: (i: number) => string,
): ImportJob['samples'] {
  const samples: ImportJob['samples'] = []
  for (let i = 0; i < pairs; i++) {
    const a = { kind: 'a' as const, file: fileA(i) }
    const b = { kind: 'b' as const, file: fileB(i) }
    samples.push(...(i % 2 === 0 ? [a, b] : [b, a]))
  }
  return samples
}
