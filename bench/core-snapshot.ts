// The plugin and tracker under test, copied once at the start: others rebuild packages/core while
// the bench runs, and every figure of one run must measure the same tracker.
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_DIR, tmpPath } from './paths.js'

const LOCK_WAIT_S = 300

/** Copies packages/core's dist; returns the copy's folder and how long the build lock kept us waiting. */
export function snapshotCore(): { dir: string; lockWaitS: number } {
  rmSync(tmpPath('core'), { recursive: true, force: true })
  const dir = tmpPath('core')
  const source = join(REPO_DIR, 'packages', 'core')
  const started = performance.now()
  // Under the build lock, so the copy is never half of one build and half of the next.
  execFileSync(
    'flock',
    [
      '-w',
      String(LOCK_WAIT_S),
      '/tmp/build.lock',
      'cp',
      '-r',
      join(source, 'dist'),
      join(source, 'package.json'),
      `${dir}/`,
    ],
    { stdio: 'inherit' },
  )
  return { dir, lockWaitS: (performance.now() - started) / 1000 }
}
