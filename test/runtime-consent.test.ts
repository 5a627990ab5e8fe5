// Every way the person running a program can say no, checked in real programs that import a library
// built with the tracker: when they said no, nothing reaches the collector, and the program behaves
// exactly as it does with the same library built without the tracker.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startCollector } from '@popylar/tools/collector'
import { APP_BODY, assertSameOutcome, runConsumer } from './support/consumer.js'
import { tinyLibrary, tinyLibraryPair } from './support/library.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { run, type Home } from './support/run.js'
import { tempHome, writeConfigFile } from './support/temp-home.js'

const { tracked, plain } = await tinyLibraryPair(after, { name: 'tiny-lib' })

const collector = await startCollector()
after(() => collector.close())
/** What the app does with the library built without the tracker. */
const plainOutcome = await runConsumer(plain, { home: tempHome({ after }), body: APP_BODY })

/** The app, with the tracked library, in the given home; fails unless it behaves as with the plain one. */
async function runApp(home: Home, env: Record<string, string> = {}, cwd?: string): Promise<void> {
  const result = await runConsumer(tracked, { home, endpoint: collector.url, env, body: APP_BODY, cwd })
  assertSameOutcome(result, plainOutcome)
}

async function assertNothingSent(what: string): Promise<void> {
  const requests = await requestsAfterExit(collector, 0)
  assert.deepEqual(
    requests.map((request) => request.events),
    [],
    `${what}: nothing may reach the collector`,
  )
}

async function assertEventsFrom(packages: string[], what: string): Promise<void> {
  const requests = await requestsAfterExit(collector, packages.length)
  const sent = requests.flatMap((request) => request.events.map((event) => event.params.package_name))
  assert.deepEqual(sent.sort(), [...packages].sort(), what)
}

test('without an opt-out, the library sends its one event (the control for every test below)', async (t) => {
  collector.clear()
  await runApp(tempHome(t))
  await assertEventsFrom(['tiny-lib'], 'one event')
})

test('config file {"track": false} stops all tracking; {"track": true} does not', async (t) => {
  collector.clear()
  const home = tempHome(t)
  writeConfigFile(home, { track: false })
  await runApp(home)
  await assertNothingSent('{"track": false}')

  writeConfigFile(home, { track: true })
  await runApp(home)
  await assertEventsFrom(['tiny-lib'], '{"track": true}')
})

test('config file {"packages": {"<name>": {"track": false}}} stops that package only', async (t) => {
  const other = await tinyLibrary(t, { name: 'other-lib' })
  collector.clear()
  const home = tempHome(t)
  writeConfigFile(home, { packages: { 'tiny-lib': { track: false } } })
  const source = [tracked, other]
    .map((library) => `import ${JSON.stringify(pathToFileURL(library.esm).href)}`)
    .join('\n')
  const result = await run(process.execPath, ['--input-type=module', '-e', source], {
    env: { ...home.env, POPYLAR_ENDPOINT: collector.url },
    cwd: home.cwd,
  })
  assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', ''])
  await assertEventsFrom(['other-lib'], 'only the package that was not opted out')
})

test("the Python popylar's ~/.popylar with track = False", async (t) => {
  collector.clear()
  const home = tempHome(t)
  writeFileSync(join(home.dir, '.popylar'), '[user]\ntrack = False\n')
  await runApp(home)
  await assertNothingSent('~/.popylar says track = False')

  writeFileSync(join(home.dir, '.popylar'), '[user]\ntrack = True\n')
  await runApp(home)
  await assertEventsFrom(['tiny-lib'], '~/.popylar says track = True')
})

test('DO_NOT_TRACK=1, true or yes: nothing sent; DO_NOT_TRACK=0, false or empty: tracked', async (t) => {
  collector.clear()
  for (const value of ['1', 'true', 'yes', 'TRUE']) await runApp(tempHome(t), { DO_NOT_TRACK: value })
  await assertNothingSent('DO_NOT_TRACK set')

  for (const value of ['0', 'false', '']) await runApp(tempHome(t), { DO_NOT_TRACK: value })
  await assertEventsFrom(['tiny-lib', 'tiny-lib', 'tiny-lib'], 'DO_NOT_TRACK=0, false and empty do not opt out')
})

test('POPYLAR_DISABLED=1', async (t) => {
  collector.clear()
  await runApp(tempHome(t), { POPYLAR_DISABLED: '1' })
  await assertNothingSent('POPYLAR_DISABLED=1')
})

test('"popylar": {"track": false} in the nearest package.json above the working directory', async (t) => {
  collector.clear()
  const home = tempHome(t)
  // The project: home/work/package.json; the program runs in a folder below it.
  const project = home.cwd
  const below = join(project, 'src', 'deep')
  mkdirSync(below, { recursive: true })
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', popylar: { track: false } }))
  await runApp(home, {}, below)
  await runApp(home, {}, project)
  await assertNothingSent('the project opted out')

  // A nearer package.json that says nothing is the one that counts.
  writeFileSync(join(project, 'src', 'package.json'), JSON.stringify({ name: 'inner' }))
  await runApp(home, {}, below)
  await assertEventsFrom(['tiny-lib'], 'the nearest package.json does not opt out')
})

test('a corrupt config file: nothing sent, and the program prints and exits as without the tracker', async (t) => {
  const corrupt = [
    '{"track": fal',
    '',
    'null',
    '[]',
    '"track"',
    JSON.stringify({ track: 'false' }),
    JSON.stringify({ track: 0 }),
    JSON.stringify({ clientId: 42 }),
    JSON.stringify({ clientId: 'not-a-uuid' }),
    JSON.stringify({ packages: [] }),
    JSON.stringify({ packages: { 'tiny-lib': false } }),
    JSON.stringify({ packages: { 'tiny-lib': { track: 'no' } } }),
  ]
  collector.clear()
  for (const content of corrupt) {
    const home = tempHome(t)
    writeConfigFile(home, content)
    await runApp(home)
    await assertNothingSent(`config file ${JSON.stringify(content)}`)
  }
})

test('a package.json or config file saved with a byte order mark (as some Windows editors save them) is read as npm reads it', async (t) => {
  collector.clear()
  const project = tempHome(t)
  writeFileSync(
    join(project.cwd, 'package.json'),
    `\uFEFF${JSON.stringify({ name: 'app', popylar: { track: false } })}`,
  )
  await runApp(project)
  await assertNothingSent('the project opted out in a package.json with a byte order mark')

  collector.clear()
  const home = tempHome(t)
  writeConfigFile(home, `\uFEFF${JSON.stringify({ track: true })}`)
  await runApp(home)
  await assertEventsFrom(['tiny-lib'], 'a config file with a byte order mark is trusted')
})

test('an XDG_CONFIG_HOME or HOME that is not an absolute path is ignored, as the XDG spec says: nothing lands in the working directory', async (t) => {
  collector.clear()
  const home = tempHome(t)
  await runApp(home, { XDG_CONFIG_HOME: 'relative-config' })
  await assertEventsFrom(['tiny-lib'], 'tracked, with the config in ~/.config')
  assert.ok(existsSync(home.configFile), 'the config is in ~/.config')

  collector.clear()
  const relativeHome = tempHome(t)
  await runApp(relativeHome, { HOME: 'relative-home', XDG_CONFIG_HOME: '' })
  await assertNothingSent('no home to keep a client id in')
  for (const { cwd } of [home, relativeHome])
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written in the working directory')
})
