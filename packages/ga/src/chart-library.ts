// Chart.js (MIT), read from its installed package to be inlined into the report page, so the page
// opens offline and sends no request anywhere.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** The browser build, with its licence banner: the minified one where the version ships it. */
const BROWSER_BUILDS = ['chart.umd.min.js', 'chart.umd.js']

export function chartLibrarySource(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js')
  const folder = dirname(entry)
  const build = BROWSER_BUILDS.map((name) => join(folder, name)).find((file) => existsSync(file))
  if (!build) throw new Error(`chart.js has no browser build in ${folder}: reinstall @popylar/ga`)
  return readFileSync(build, 'utf8')
}
