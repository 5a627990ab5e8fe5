// Package names, versions and param values are compiled into the library as code. Whatever they hold
// (quotes, `${`, </script>, line separators, replacement patterns like $&, filename placeholders like [name]), the build succeeds, running
// the library executes none of it, and the exact string arrives at the collector.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Collector } from '@popylar/tools/collector'
import { buildLibrary, type Bundler, BUNDLERS } from './support/bundlers.js'
import { seededRandom } from './support/seeded-random.js'
import { throwawayLibrary } from './support/throwaway-library.js'
import { collectorFor, runTracked, importScript } from './support/tracked-run.js'

/** What injected code would do if it ran: exit with 42, or set a global that the run checks. */
const PAYLOAD_EXIT = 'process.exit(42)'
const PAYLOAD_GLOBAL = 'globalThis.PWNED=1'

const HOSTILE: string[] = [
  `"+${PAYLOAD_EXIT}+"`,
  `'+${PAYLOAD_EXIT}+'`,
  `\`+${PAYLOAD_EXIT}+\``,
  `\${${PAYLOAD_EXIT}}`,
  `"}];${PAYLOAD_EXIT};//`,
  `</script><script>${PAYLOAD_GLOBAL}</script>`,
  `<!--<script>${PAYLOAD_GLOBAL}//-->`,
  `a\u2028${PAYLOAD_GLOBAL}\u2029b`,
  `line1\n${PAYLOAD_EXIT}//\r\nline3`,
  `back\\slash\\"+${PAYLOAD_EXIT}+"\\`,
  `$& $' $\` $$ $1 ${PAYLOAD_EXIT}`,
  `*/${PAYLOAD_EXIT}/*`,
  `-->${PAYLOAD_EXIT}<!--`,
  `\\u0022+${PAYLOAD_EXIT}+\\u0022`,
  'nul\u0000byte\ttab\vvt\fff\bbs',
  '__POPYLAR_CONFIG__',
  '[name] [id] [hash:8] [contenthash] [\\name\\] [file]',
  'a&b=c+d%20e%0Af?g#h',
  'emoji 🎉 ünïcödé 中文 \u00a0nbsp',
  '\\',
  '"',
  "'",
  '`',
]

/** Pieces that break code, HTML, comments, URL encoding and String.replace patterns. */
const PIECES = [
  '"',
  "'",
  '`',
  '${',
  '}',
  '[name]',
  '[hash:8]',
  '</script>',
  '<!--',
  '-->',
  '*/',
  '/*',
  '\\',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '$&',
  "$'",
  '$`',
  '$$',
  '\u0000',
  ' ',
  '+',
  '&',
  '=',
  '%',
  '%0A',
  '?',
  '#',
  ';',
  PAYLOAD_EXIT,
  '__proto__',
  'é',
  '🎉',
  '中',
]

/** Distinct strings of 1 to 100 UTF-16 units (GA4's value limit): pieces and random characters, never a lone surrogate. */
function randomStrings(seed: number, count: number): string[] {
  const random = seededRandom(seed)
  const found = new Set<string>()
  while (found.size < count) {
    const length = 1 + Math.floor(random() * 100)
    let text = ''
    for (;;) {
      let next: string
      if (random() < 0.5) next = PIECES[Math.floor(random() * PIECES.length)]!
      else {
        const code = 0x20 + Math.floor(random() * (0xfffd - 0x20))
        next = code >= 0xd800 && code <= 0xdfff ? 'x' : String.fromCharCode(code)
      }
      if (text.length + next.length > length) break
      text += next
    }
    if (text) found.add(text)
  }
  return [...found]
}

const MAX_AUTHOR_PARAMS = 16 // GA4's 25, less the 9 that the tracker sets.

function chunks<T>(list: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size))
}

function paramsOf(values: string[]): Record<string, string> {
  return Object.fromEntries(values.map((value, i) => [`p${i}`, value]))
}

/**
 * Bundlers that keep the plugin's string literals as written. esbuild, Vite and rolldown print strings
 * anew (esbuild writes "</script>" back unescaped for platform node): their own choice, not the plugin's.
 */
const KEEPS_LITERALS: ReadonlySet<Bundler> = new Set(['rollup', 'webpack', 'rspack'])

/** Static checks on the written bundle: safe for an old engine, and where the text is ours, inside an HTML <script>. */
function assertSafeText(bundler: Bundler, file: string) {
  const code = readFileSync(file, 'utf8')
  assert.doesNotMatch(code, /[\u2028\u2029]/, `${file} holds a raw line or paragraph separator`)
  if (!KEEPS_LITERALS.has(bundler)) return
  assert.doesNotMatch(code, /<\/script/i, `${file} holds </script`)
  assert.doesNotMatch(code, /<!--/, `${file} holds <!--`)
}

/** Imports all bundles in one process; fails if any injected code ran. */
async function runAll(collector: Collector, files: string[], libraries: number) {
  const script = `${importScript(files)}\nif (globalThis.PWNED) process.exit(43)\n`
  const run = await runTracked(collector, ['--input-type=module', '-e', script], {
    requests: Math.ceil(libraries / 25),
  })
  assert.equal(run.result.stdout, '', 'the libraries print nothing')
  assert.equal(run.result.stderr, '')
  for (const request of run.requests) assert.deepEqual(request.problems, [], 'every request is valid by GA4 rules')
  assert.equal(run.events.length, libraries, 'one event per library')
  return run.events
}

/** Builds one library per group of values, the values as params; checks each arrives exactly. */
async function checkParams(
  t: TestContext,
  collector: Collector,
  bundler: Bundler,
  values: string[],
  options: { apiSecret?: string } = {},
) {
  const groups = chunks(values, MAX_AUTHOR_PARAMS)
  const files: string[] = []
  for (const [i, group] of groups.entries()) {
    const library = throwawayLibrary(t, { 'src/index.js': 'export const ok = true\n' })
    const file = await buildLibrary(bundler, {
      dir: library.dir,
      options: { packageName: `hostile-params-${i}`, packageVersion: '1.0.0', params: paramsOf(group), ...options },
    })
    assertSafeText(bundler, file)
    files.push(file)
  }
  const events = await runAll(collector, files, groups.length)
  for (const [i, group] of groups.entries()) {
    const event = events.find((e) => e.params.package_name === `hostile-params-${i}`)
    assert.ok(event, `the event of library ${i} arrived`)
    for (const [name, value] of Object.entries(paramsOf(group)))
      assert.equal(event.params[name], value, `param ${name} arrives intact`)
  }
}

/** One library per name; the version is another hostile string. Half get them from package.json, half from options. */
async function checkNames(t: TestContext, collector: Collector, bundler: Bundler, names: string[]) {
  const files: string[] = []
  const expected = new Map<string, string>()
  for (const [i, name] of names.entries()) {
    const version = names[(i + 1) % names.length]!
    expected.set(name, version)
    const fromPackageJson = i % 2 === 0
    const library = throwawayLibrary(
      t,
      { 'src/index.js': 'export const ok = true\n' },
      {
        packageJson: fromPackageJson
          ? { name, version, type: 'module' }
          : { name: 'ignored', version: '0.0.0', type: 'module' },
      },
    )
    const file = await buildLibrary(bundler, {
      dir: library.dir,
      options: fromPackageJson ? {} : { packageName: name, packageVersion: version },
    })
    assertSafeText(bundler, file)
    files.push(file)
  }
  const events = await runAll(collector, files, names.length)
  const received = new Map(events.map((e) => [e.params.package_name, e.params.package_version]))
  for (const [name, version] of expected) {
    assert.ok(received.has(name), `package_name ${JSON.stringify(name)} arrives intact`)
    assert.equal(received.get(name), version, `package_version of ${JSON.stringify(name)} arrives intact`)
  }
}

for (const bundler of BUNDLERS) {
  test(`${bundler}: hostile param values run nothing and arrive intact`, async (t) => {
    await checkParams(t, await collectorFor(t), bundler, HOSTILE)
  })
}

test('esbuild: hostile param values arrive intact over the Measurement Protocol (JSON) too', async (t) => {
  const collector = await collectorFor(t)
  await checkParams(t, collector, 'esbuild', HOSTILE, { apiSecret: 'secret"+process.exit(42)+"' })
  assert.ok(
    collector.requests.every(
      (request) => request.protocol === 'mp' && request.apiSecret === 'secret"+process.exit(42)+"',
    ),
  )
})

for (const bundler of ['esbuild', 'rollup'] as const) {
  test(`${bundler}: hostile package names and versions, from package.json or options, run nothing and arrive intact`, async (t) => {
    await checkNames(t, await collectorFor(t), bundler, HOSTILE)
  })

  test(`${bundler}: seeded random strings arrive intact as param values and package names`, async (t) => {
    const collector = await collectorFor(t)
    await checkParams(t, collector, bundler, randomStrings(2024, 48))
    await checkNames(t, collector, bundler, randomStrings(7, 16))
  })
}
