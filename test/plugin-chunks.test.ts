// Where the statement lands in Rollup, Vite and rolldown builds, with one entry and with two entries and a
// shared chunk: once at the end of each entry chunk, in no other chunk, after the author's own footer and
// before the sourceMappingURL comment (rolldown and Vite on rolldown append it as a postFooter, Rollup in generateBundle).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildLibrary, TEST_MEASUREMENT_ID, type Bundler } from './support/bundlers.js'
import { throwawayLibrary } from './support/throwaway-library.js'

const SOURCES = {
  'src/shared.js': 'export const shout = (text) => text.toUpperCase() + "!"\n',
  'src/greet.js': 'import { shout } from "./shared.js"\nexport const greet = (name) => shout("hello " + name)\n',
  'src/farewell.js': 'import { shout } from "./shared.js"\nexport const farewell = (name) => shout("bye " + name)\n',
}
const AUTHOR_FOOTER = "/* the author's own footer */"
const TRACKER = `"measurementId":"${TEST_MEASUREMENT_ID}"`
/** How the statement starts: its guard. */
const GUARD = 'try{if(/*#__PURE__*/'

type Entries = Record<string, string>

/** Each bundler's options for these entries, split chunks, source maps and a footer written after minification. */
const CONFIGURE: Partial<Record<Bundler, (config: Record<string, any>, dir: string, entries: Entries) => void>> = {
  rollup(config, dir, entries) {
    config.input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(dir, file)]))
    config.output = { dir: join(dir, 'dist'), format: 'es', sourcemap: true, footer: AUTHOR_FOOTER }
  },
  rolldown(config, dir, entries) {
    config.input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, join(dir, file)]))
    config.output = { dir: join(dir, 'dist'), format: 'es', sourcemap: true, postFooter: AUTHOR_FOOTER }
  },
  vite(config, _dir, entries) {
    config.build.lib = { entry: entries, formats: ['es'] }
    config.build.sourcemap = true
    config.build.rolldownOptions = { output: { postFooter: AUTHOR_FOOTER } }
  },
}

/** The statement is in the file once, right before its source map comment, after the author's own footer. */
function assertStatementAtEnd(bundler: Bundler, name: string, code: string): void {
  assert.equal(code.split(TRACKER).length - 1, 1, `${name} should hold the statement once`)
  const comment = code.lastIndexOf('\n//# sourceMappingURL=')
  assert.ok(
    comment > 0 &&
      !code
        .slice(comment + 1)
        .trimEnd()
        .includes('\n'),
    `${name} should end with its source map comment`,
  )
  const beforeComment = code.slice(0, comment)
  const statement = beforeComment.lastIndexOf(GUARD)
  assert.ok(
    statement > 0 && beforeComment.endsWith('}}catch(e){}'),
    `${name}: the statement should come right before the comment`,
  )
  const beforeStatement = beforeComment.slice(0, statement).trimEnd()
  if (bundler === 'rollup')
    assert.ok(beforeStatement.includes(AUTHOR_FOOTER), `${name}: the author's footer should stay, before the statement`)
  else
    assert.ok(
      beforeStatement.endsWith(AUTHOR_FOOTER),
      `${name}: the author's postFooter should stay, right before the statement`,
    )
}

for (const [bundler, configure] of Object.entries(CONFIGURE) as Array<
  [Bundler, NonNullable<(typeof CONFIGURE)[Bundler]>]
>) {
  test(`${bundler}: one entry, the statement once at its end`, async (t) => {
    const library = throwawayLibrary(t, SOURCES)
    await buildLibrary(bundler, {
      dir: library.dir,
      configure: (config) => configure(config, library.dir, { greet: 'src/greet.js' }),
    })
    assert.deepEqual(
      readdirSync(library.path('dist')).filter((name) => name.endsWith('.js')),
      ['greet.js'],
    )
    assertStatementAtEnd(bundler, 'greet.js', readFileSync(library.path('dist/greet.js'), 'utf8'))
  })

  test(`${bundler}: two entries and a shared chunk, the statement once at the end of each entry only`, async (t) => {
    const library = throwawayLibrary(t, SOURCES)
    await buildLibrary(bundler, {
      dir: library.dir,
      configure: (config) => configure(config, library.dir, { greet: 'src/greet.js', farewell: 'src/farewell.js' }),
    })
    const files = readdirSync(library.path('dist')).filter((name) => name.endsWith('.js'))
    const entries = files.filter((name) => /^(greet|farewell)\.js$/.test(name))
    const others = files.filter((name) => !entries.includes(name))
    assert.deepEqual(entries.sort(), ['farewell.js', 'greet.js'])
    assert.ok(others.length >= 1, `a shared chunk should be written (got ${files.join(', ')})`)
    for (const name of entries)
      assertStatementAtEnd(bundler, name, readFileSync(library.path(join('dist', name)), 'utf8'))
    for (const name of others)
      assert.ok(
        !readFileSync(library.path(join('dist', name)), 'utf8').includes(TRACKER),
        `${name} is no entry and should hold no statement`,
      )
  })
}
