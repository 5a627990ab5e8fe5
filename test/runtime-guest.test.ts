// The tracker is a guest in someone else's program: importing never throws, prints or warns, whatever
// the home looks like; exit codes and exit handlers work as without it; and yet a program that only
// imports the library and exits gets its event out.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { APP_BODY, assertSameOutcome, consumerSource, runConsumer } from './support/consumer.js'
import { CORE_ENTRY } from './support/hand-sent.js'
import { tinyLibraryPair } from './support/library.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { run } from './support/run.js'
import { tempHome } from './support/temp-home.js'
import { collectorFor } from './support/tracked-run.js'

/** Node prints every warning with its stack, and an unhandled rejection is fatal. */
const STRICT_NODE = ['--trace-warnings', '--unhandled-rejections=strict']

const { tracked, plain } = await tinyLibraryPair(after, { name: 'tiny-lib' })

test('no output, no warning, no error, in a fresh home, and the event is sent', async (t) => {
  const collector = await collectorFor(t)
  for (const format of ['esm', 'cjs'] as const) {
    const result = await runConsumer(tracked, {
      home: tempHome(t),
      endpoint: collector.url,
      format,
      nodeArgs: STRICT_NODE,
    })
    assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', ''], format)
  }
  assert.equal((await requestsAfterExit(collector, 2)).length, 2)
})

test('HOME unset: no output, no warning, the program runs as without the tracker, and the event is sent', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  // The config stays in the temp home (XDG_CONFIG_HOME); only HOME is gone. run() cannot unset a variable: env -u can.
  const source = consumerSource(tracked, 'esm', APP_BODY)
  const plainSource = consumerSource(plain, 'esm', APP_BODY)
  const runWithoutHome = (code: string) =>
    run('env', ['-u', 'HOME', process.execPath, ...STRICT_NODE, '--input-type=module', '-e', code], {
      env: { XDG_CONFIG_HOME: home.configHome, POPYLAR_ENDPOINT: collector.url },
      cwd: home.cwd,
    })
  const withTracker = await runWithoutHome(source)
  assertSameOutcome(withTracker, await runWithoutHome(plainSource))
  assert.equal(withTracker.stderr, 'app: done\n')
  assert.equal(
    (await requestsAfterExit(collector, 1)).length,
    1,
    'the config dir is known without HOME: the event is sent',
  )
})

test('a home where nothing can be written (HOME is a file): no output, no warning, nothing sent, same program', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const file = join(home.dir, 'not-a-folder')
  writeFileSync(file, '')
  const env = { HOME: file, XDG_CONFIG_HOME: undefined }
  for (const format of ['esm', 'cjs'] as const) {
    const options = { home, endpoint: collector.url, env, format, body: APP_BODY, nodeArgs: STRICT_NODE }
    assertSameOutcome(await runConsumer(tracked, options), await runConsumer(plain, options), format)
  }
  assert.deepEqual(await requestsAfterExit(collector, 0), [], 'no client id can be kept, so nothing is sent')
})

test("process.exitCode, process.exit() and the program's own 'beforeExit' and 'exit' handlers work as without the tracker", async (t) => {
  const collector = await collectorFor(t)
  const programs = {
    exitCode: `process.exitCode = 7`,
    handlers: [
      `let rounds = 0`,
      `process.on('beforeExit', (code) => { console.log('beforeExit', ++rounds, code); if (rounds === 1) setTimeout(() => console.log('one more round'), 20) })`,
      `process.on('exit', (code) => console.log('exit', code, process.exitCode))`,
      `process.exitCode = 4`,
    ].join('\n'),
    exitLater: `setTimeout(() => { console.log('leaving'); process.exit(5) }, 30)`,
    exitAtOnce: `console.log('leaving'); process.exit(6)`,
  }
  for (const behaviour of ['normal', 'hang'] as const) {
    collector.setBehaviour(behaviour)
    for (const [name, body] of Object.entries(programs)) {
      const options = { endpoint: collector.url, body, nodeArgs: STRICT_NODE }
      const withTracker = await runConsumer(tracked, { ...options, home: tempHome(t) })
      assertSameOutcome(
        withTracker,
        await runConsumer(plain, { ...options, home: tempHome(t) }),
        `${name}, collector ${behaviour}`,
      )
    }
  }
})

test('a program that only imports the library and exits still gets its event out', async (t) => {
  const collector = await collectorFor(t)
  const runs = 5
  for (let i = 0; i < runs; i++) {
    for (const format of ['esm', 'cjs'] as const) {
      const result = await runConsumer(tracked, { home: tempHome(t), endpoint: collector.url, format })
      assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', ''])
    }
  }
  const requests = await requestsAfterExit(collector, runs * 2)
  assert.equal(requests.length, runs * 2, 'every run delivered its event')
})

test('a program that sends by hand without waiting exits at once, even when the collector hangs', async (t) => {
  const collector = await collectorFor(t)
  collector.setBehaviour('hang')
  const home = tempHome(t)
  const program = (send: boolean) =>
    `import { trackEvent } from ${JSON.stringify(CORE_ENTRY)}\n${send ? `trackEvent('G-TEST1234', 'hand_sent', {}, { endpoint: ${JSON.stringify(collector.url)} })\n` : ''}console.log('done')`
  const without = await run(process.execPath, [...STRICT_NODE, '--input-type=module', '-e', program(false)], {
    env: home.env,
    cwd: home.cwd,
  })
  const withEvent = await run(process.execPath, [...STRICT_NODE, '--input-type=module', '-e', program(true)], {
    env: home.env,
    cwd: home.cwd,
  })
  assertSameOutcome(withEvent, without)
  assert.ok(
    withEvent.ms - without.ms < 500,
    `${withEvent.ms.toFixed(0)} ms with the event, ${without.ms.toFixed(0)} ms without`,
  )
  assert.equal((await requestsAfterExit(collector, 1)).length, 1, 'the request was written before the program left')
})

test("Node's permission model: the event is sent where the program may write the config, and nothing where it may not; the same program either way", async (t) => {
  const collector = await collectorFor(t)
  // --permission since Node 22.13, --experimental-permission before.
  const permission = process.allowedNodeEnvironmentFlags.has('--permission')
    ? '--permission'
    : '--experimental-permission'
  for (const [allowed, events] of [
    [['--allow-fs-read=*', '--allow-fs-write=*'], 2],
    [['--allow-fs-read=*'], 0],
  ] as const) {
    for (const format of ['esm', 'cjs'] as const) {
      const options = {
        home: tempHome(t),
        endpoint: collector.url,
        format,
        body: APP_BODY,
        nodeArgs: [...STRICT_NODE, permission, ...allowed],
      }
      // Node 20 warns that the model is experimental, naming the process.
      const outcome = async (library: typeof tracked) => {
        const result = await runConsumer(library, options)
        return { ...result, stderr: result.stderr.replace(/\(node:\d+\)/g, '(node)') }
      }
      assertSameOutcome(await outcome(tracked), await outcome(plain), `${allowed.join(' ')}, ${format}`)
    }
    assert.equal((await requestsAfterExit(collector, events)).length, events, allowed.join(' '))
    collector.clear()
  }
})
