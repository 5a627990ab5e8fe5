// A generated library of 2,000 modules, the size of a large real one: every module imports another,
// holds a little real code, and the entries export all of it, so no bundler can drop any.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const MODULE_COUNT = 2000
export const LIBRARY_NAME = 'popylar-bench-lib'
const GENERATOR_VERSION = '1'

export interface GeneratedLibrary {
  root: string
  /** src/index.js: exports every module. */
  mainEntry: string
  /** src/extra.js: a second entry, exporting the first half, for the hook count of two entries. */
  extraEntry: string
  moduleCount: number
}

const name = (i: number) => `m${String(i).padStart(4, '0')}`

function moduleSource(i: number): string {
  // A tree of imports: module i uses module floor(i/2), so the graph is deep as well as wide.
  const parent = i === 0 ? '' : `import { fn${Math.floor(i / 2)} } from './${name(Math.floor(i / 2))}.js'\n`
  const call = i === 0 ? 'x' : `fn${Math.floor(i / 2)}(x)`
  return `${parent}
export const label${i} = 'module ${i}'

export function fn${i}(x) {
  const values = [x, ${i}, x * ${(i % 7) + 1}]
  let total = 0
  for (const value of values) total += typeof value === 'number' ? value : 0
  return total % 1000 + (x > ${i} ? 1 : 0) + ${call} * 0
}

export class Thing${i} {
  constructor(size = ${i % 13}) {
    this.size = size
    this.items = []
  }
  add(item) {
    this.items.push({ item, at: this.items.length, from: label${i} })
    return this
  }
  get total() {
    return this.items.reduce((sum, entry) => sum + fn${i}(entry.at), this.size)
  }
}
`
}

function entrySource(from: number, to: number): string {
  let text = ''
  for (let i = from; i < to; i++) text += `export { fn${i}, Thing${i}, label${i} } from './modules/${name(i)}.js'\n`
  return text
}

/** Writes the library into dir once; later runs reuse it. */
export function generateLibrary(dir: string): GeneratedLibrary {
  const library: GeneratedLibrary = {
    root: dir,
    mainEntry: join(dir, 'src', 'index.js'),
    extraEntry: join(dir, 'src', 'extra.js'),
    moduleCount: MODULE_COUNT,
  }
  const stamp = join(dir, '.generated')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === GENERATOR_VERSION) return library
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'src', 'modules'), { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: LIBRARY_NAME, version: '1.0.0', type: 'module' }, null, 2),
  )
  for (let i = 0; i < MODULE_COUNT; i++) writeFileSync(join(dir, 'src', 'modules', `${name(i)}.js`), moduleSource(i))
  writeFileSync(library.mainEntry, entrySource(0, MODULE_COUNT))
  writeFileSync(library.extraEntry, entrySource(0, MODULE_COUNT / 2))
  writeFileSync(stamp, GENERATOR_VERSION)
  return library
}
