// The plugin and tracker under test, copied once at the start: packages/core may be rebuilt while the
// bench runs (by a build in another terminal), and every figure of one run must measure the same tracker.
import { cpSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_DIR, tmpPath } from './paths.js'

/** Copies packages/core's dist and package.json; returns the copy's folder. */
export function snapshotCore(): string {
  const dir = tmpPath('core')
  rmSync(dir, { recursive: true, force: true })
  const source = join(REPO_DIR, 'packages', 'core')
  cpSync(join(source, 'dist'), join(dir, 'dist'), { recursive: true })
  cpSync(join(source, 'package.json'), join(dir, 'package.json'))
  return dir
}
