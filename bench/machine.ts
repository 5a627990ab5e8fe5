// The machine a run measured on, written next to its figures: they mean little without it.
import { execFileSync } from 'node:child_process'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { REPO_DIR } from './paths.js'

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  os: string
  date: string
  /** Load average (1 min) when the run started: other work on the machine adds noise. */
  loadAtStart: number
  commit: string
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      cwd: REPO_DIR,
      encoding: 'utf8',
    }).trim()
    return dirty ? `${head} + uncommitted changes in packages/` : head
  } catch {
    return 'unknown'
  }
}

export function describeMachine(): Machine {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAtStart: loadavg()[0]!,
    commit: commit(),
  }
}

export const currentLoad = (): number => loadavg()[0]!
