// Child process: imports the given modules one after another, each a first import (a file never
// imported before), and prints how long each import took and how much main-thread work followed it.
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

export interface ImportSample {
  kind: 'a' | 'b'
  file: string
  /** Variables set before this import (and left set during the pause that follows it). */
  env?: Record<string, string>
}

export interface ImportJob {
  samples: ImportSample[]
  /** Quiet time after each import, so the tracker's deferred send is over before the next one. */
  pauseMs: number
}

export interface ImportTiming {
  kind: 'a' | 'b'
  /** performance.now() around the import: loading, compiling and running the module. */
  importMs: number
  /** Main-thread time spent during the pause that followed: work deferred by the module. */
  deferredMs: number
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ImportJob
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const timings: ImportTiming[] = []
for (const sample of job.samples) {
  const url = pathToFileURL(sample.file).href
  Object.assign(process.env, sample.env)
  const started = performance.now()
  await import(url)
  const importMs = performance.now() - started
  const before = performance.eventLoopUtilization()
  await sleep(job.pauseMs)
  const deferredMs = performance.eventLoopUtilization(before).active
  timings.push({ kind: sample.kind, importMs, deferredMs })
}
process.stdout.write(`${JSON.stringify(timings)}\n`)
