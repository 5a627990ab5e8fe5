// A fresh home (see run.ts) that is removed when the test ends.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { freshHome, type Home } from './run.js'

type Cleanup = { after(fn: () => void): void }

export function tempHome(t: Cleanup): Home {
  const home = freshHome()
  t.after(() => rmSync(home.dir, { recursive: true, force: true }))
  return home
}

/** Writes popylar/config.json as given: an object as JSON, a string byte for byte (to corrupt it). */
export function writeConfigFile(home: Home, content: unknown): void {
  mkdirSync(dirname(home.configFile), { recursive: true })
  writeFileSync(home.configFile, typeof content === 'string' ? content : JSON.stringify(content))
}
