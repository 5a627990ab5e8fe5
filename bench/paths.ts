// Where the bench keeps what it generates: bench/.tmp, gitignored, rebuilt on every run.
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
export const REPO_DIR = dirname(BENCH_DIR)
export const TMP_DIR = join(BENCH_DIR, '.tmp')

/** A directory under bench/.tmp, created if missing. */
export function tmpPath(...parts: string[]): string {
  const path = join(TMP_DIR, ...parts)
  mkdirSync(path, { recursive: true })
  return path
}

/** The measurement id every benchmark library reports to. */
export const BENCH_MEASUREMENT_ID = 'G-BENCH12345'
