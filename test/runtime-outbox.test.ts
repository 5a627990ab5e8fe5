// An event whose request a program could not write before it ended (a far collector, a slow TLS
// handshake, a connection that never completes) is not lost: it waits in a file of popylar/outbox/, and
// the next run that sends carries it. A request that was written is never kept, so nothing arrives
// twice; every "no" is checked again before a waiting event leaves, and an opt-out deletes them.
import assert from 'node:assert/strict'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { LOOPBACK_ENDPOINT, loopbackLibraries, TEST_MEASUREMENT_ID } from './support/library.js'
import { newMachine, type Machine } from './support/machine.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { run } from './support/run.js'
import { stalledListener, type StalledListener } from './support/stalled-listener.js'

let collector: Collector
/** A collector that no library is built for: whatever reaches it was sent where a file said. */
let elsewhere: Collector
let stalled: StalledListener
let first: string
let second: string
let measured: string
/** A library built for an HTTPS endpoint on loopback, where a plain TCP listener counts the connections. */
let secure: string
/** A library built for the collector itself, run without POPYLAR_ENDPOINT: each event goes where it says. */
let direct: string
let tcp: Server
let connections = 0
const libraries = loopbackLibraries()

before(async () => {
  ;[collector, elsewhere, stalled] = await Promise.all([startCollector(), startCollector(), stalledListener()])
  tcp = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve))
  const endpoint = `https://127.0.0.1:${(tcp.address() as AddressInfo).port}`
  ;[first, second, measured, secure, direct] = await Promise.all([
    libraries.build('first-lib'),
    libraries.build('second-lib'),
    libraries.build('mp-lib', { apiSecret: 'test-secret' }),
    libraries.build('secure-lib', { endpoint }),
    libraries.build('direct-lib', { endpoint: collector.url }),
  ])
})
after(async () => {
  tcp.close()
  stalled.close()
  await Promise.all([collector.close(), elsewhere.close()])
  libraries.remove()
})

const outboxDir = (machine: Machine) => join(machine.home.configHome, 'popylar', 'outbox')
/** The file where a run keeps events for a library of the test measurement id (gtag.G-TEST1234.0.json). */
const slotFile = (machine: Machine, slot = 0, measurementId = TEST_MEASUREMENT_ID) =>
  join(outboxDir(machine), `gtag.${measurementId}.${slot}.json`)
/** Writes a file in the outbox, as someone other than the tracker could. */
function plant(machine: Machine, name: string, content: string): string {
  mkdirSync(outboxDir(machine), { recursive: true, mode: 0o700 })
  const file = join(outboxDir(machine), name)
  writeFileSync(file, content)
  return file
}
/** A kept event as the tracker writes it, for the test measurement id, with changes. */
const keptEvent = (changes: Record<string, unknown> = {}, params: Record<string, unknown> = {}) => ({
  measurementId: TEST_MEASUREMENT_ID,
  endpoint: LOOPBACK_ENDPOINT,
  packageName: 'kept-lib',
  consent: 'opt-out',
  ci: true,
  notice: false,
  time: Date.now() - 60_000,
  event: {
    name: 'import',
    params: {
      package_name: 'kept-lib',
      package_version: '1.0.0',
      runtime: 'node',
      runtime_version: '20.0.0',
      os: 'linux',
      arch: 'x64',
      ci: 'false',
      ...params,
    },
  },
  ...changes,
})

/** The files in which events of one protocol wait. */
const waitingFiles = (machine: Machine, protocol: 'gtag' | 'mp') =>
  existsSync(outboxDir(machine))
    ? readdirSync(outboxDir(machine)).filter((name) => name.startsWith(`${protocol}.`) && name.endsWith('.json'))
    : []
const readOutbox = (machine: Machine, protocol: 'gtag' | 'mp') =>
  waitingFiles(machine, protocol).flatMap((name) =>
    JSON.parse(readFileSync(join(outboxDir(machine), name), 'utf8')),
  ) as Array<{ packageName: string; event: { params: Record<string, string> } }>
const nothingWaits = (machine: Machine) =>
  waitingFiles(machine, 'gtag').length + waitingFiles(machine, 'mp').length === 0
const packagesSent = (requests: Collector['requests']) =>
  requests.flatMap((request) => request.events.map((event) => event.params.package_name)).sort()

/** A run whose connection never completes: the program ends before the request is written, undisturbed. */
async function runEndingUnwritten(machine: Machine, files: string[], env: Record<string, string> = {}) {
  const { result, requests } = await machine.importLibraries(files, { env: { POPYLAR_ENDPOINT: stalled.url, ...env } })
  assert.deepEqual(outcome(result), { code: 0, stdout: '', stderr: '' }, 'the program is not disturbed')
  assert.deepEqual(requests, [], 'nothing arrived')
}

/** The same, alone on the machine: afterwards its event waits in the outbox. */
async function runCut(machine: Machine, files: string[], env: Record<string, string> = {}) {
  await runEndingUnwritten(machine, files, env)
  assert.ok(!nothingWaits(machine), 'the event waits in the outbox')
}

/** A program of its own, as an ES module, in the machine's home (with the machine's environment only, plus env). */
const runSource = (machine: Machine, source: string, env: Record<string, string> = {}) =>
  run(process.execPath, ['--input-type=module', '-e', source], {
    env: { ...machine.home.env, ...env },
    cwd: machine.home.cwd,
  })
const urlOf = (file: string) => JSON.stringify(pathToFileURL(file).href)
const outcome = ({ code, stdout, stderr }: { code: number | null; stdout: string; stderr: string }) => ({
  code,
  stdout,
  stderr,
})

async function waitingCount(machine: Machine): Promise<number> {
  return JSON.parse((await machine.popylar(['status', '--json'])).stdout).waiting
}

describe('events a program could not send', () => {
  test('wait in the outbox, and the next run carries them with its own, described by the run they happened in', async () => {
    const machine = newMachine(collector)
    await runCut(machine, [first], { CI: 'true' })
    const kept = readOutbox(machine, 'gtag')
    assert.deepEqual(
      kept.map((item) => item.packageName),
      ['first-lib'],
    )
    assert.equal(kept[0]!.event.params.ci, 'true', 'kept with the params of its own run')
    assert.equal(await waitingCount(machine), 1, 'popylar status tells that one event waits')
    assert.match((await machine.popylar(['status'])).stdout, /^waiting +1 event that earlier runs could not send/m)

    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.equal(requests.length, 1, 'one request carries both')
    assert.deepEqual(packagesSent(requests), ['first-lib', 'second-lib'])
    assert.deepEqual(requests[0]!.problems, [], 'valid by GA4 rules')
    const ci = Object.fromEntries(requests[0]!.events.map((event) => [event.params.package_name, event.params.ci]))
    assert.deepEqual(ci, { 'first-lib': 'true', 'second-lib': 'false' })
    assert.equal(nothingWaits(machine), true, 'the outbox is emptied')
    assert.equal(await waitingCount(machine), 0)

    const again = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(again.requests), ['second-lib'], 'a carried event is sent once')
  })

  test('over HTTPS, a Node program that is done does not wait for a handshake: its event waits, and one still at work connects', async () => {
    const machine = newMachine(collector)
    const runProgram = (worksMs: number) =>
      runSource(machine, `import ${urlOf(secure)}\n${worksMs ? `setTimeout(() => {}, ${worksMs})` : ''}`)
    connections = 0
    const done = await runProgram(0)
    assert.deepEqual(outcome(done), { code: 0, stdout: '', stderr: '' })
    assert.equal(connections, 0, 'no connection from a program that is done')
    assert.deepEqual(
      readOutbox(machine, 'gtag').map((item) => item.packageName),
      ['secure-lib'],
    )

    const working = await runProgram(300)
    assert.equal(working.code, 0)
    assert.equal(
      connections,
      1,
      'a program still at work connects (this listener speaks no TLS, so the request is never written)',
    )
    assert.deepEqual(
      readOutbox(machine, 'gtag').map((item) => item.packageName),
      ['secure-lib', 'secure-lib'],
      'and its events wait again, with its own',
    )
  })

  test('16 programs that end at once on one machine all keep their event, and the next run carries all 16', async () => {
    const machine = newMachine(collector)
    await machine.importLibraries([second], { expect: 1 }) // the client id exists: the 16 only add to the outbox
    // Not runCut: each of the 16 takes what the others left, so the outbox may be empty for a moment.
    await Promise.all(Array.from({ length: 16 }, () => runEndingUnwritten(machine, [first])))
    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(requests), [...Array(16).fill('first-lib'), 'second-lib'])
  })

  test('with no home (neither HOME nor XDG_CONFIG_HOME), nothing waits anywhere: the working folder stays empty', async () => {
    const machine = newMachine(collector)
    const { result, requests } = await machine.importLibraries([first], {
      withoutHome: true,
      env: { POPYLAR_ENDPOINT: stalled.url },
    })
    assert.deepEqual({ code: result.code, stderr: result.stderr, requests }, { code: 0, stderr: '', requests: [] })
    assert.deepEqual(readdirSync(machine.home.cwd), [])
    assert.equal(existsSync(machine.home.configHome), false)
  })

  test('a program that calls process.exit() right after the import, before anything could be sent: its event waits for the next run', async () => {
    const machine = newMachine(collector)
    const exiting = (env: Record<string, string> = {}) =>
      runSource(machine, `import ${urlOf(first)}\nconsole.log('done')\nprocess.exit(0)`, {
        POPYLAR_ENDPOINT: collector.url,
        ...env,
      })

    const refused = await exiting({ DO_NOT_TRACK: '1' })
    assert.deepEqual(outcome(refused), { code: 0, stdout: 'done\n', stderr: '' })
    assert.equal(nothingWaits(machine), true, 'with a "no", nothing is kept either')

    const debug = await exiting({ POPYLAR_DEBUG: '1' })
    assert.match(
      debug.stderr,
      /^popylar: the program exited before sending: 1 event\(s\) would wait for its next run$/m,
    )
    assert.equal(nothingWaits(machine), true, 'POPYLAR_DEBUG keeps nothing')

    collector.clear()
    const cut = await exiting()
    assert.deepEqual(outcome(cut), { code: 0, stdout: 'done\n', stderr: '' })
    assert.deepEqual(
      readOutbox(machine, 'gtag').map((item) => item.packageName),
      ['first-lib'],
    )
    assert.deepEqual(collector.requests, [], 'nothing was sent')
    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(requests), ['first-lib', 'second-lib'])
    assert.deepEqual(requests[0]!.problems, [])
  })

  test('a program with many exit listeners of its own gets no MaxListenersExceededWarning from the tracker', async () => {
    const machine = newMachine(collector)
    // Up to 9: Node itself may hold one, and a tenth of the program's own would pass the limit without the tracker.
    for (const own of [6, 7, 8, 9]) {
      const source = `for (let i = 0; i < ${own}; i++) process.on('exit', () => {})\nawait import(${urlOf(first)})\nconsole.log(process.listenerCount('exit') <= process.getMaxListeners())`
      const result = await runSource(machine, source, { POPYLAR_ENDPOINT: stalled.url })
      assert.deepEqual(outcome(result), { code: 0, stdout: 'true\n', stderr: '' }, `with ${own} listeners of its own`)
    }
  })

  test('a request that was written is never kept, even when the collector does not answer', async (t) => {
    const machine = newMachine(collector)
    collector.setBehaviour('hang')
    t.after(() => collector.setBehaviour('normal'))
    const { requests } = await machine.importLibraries([first], { expect: 1 })
    assert.equal(requests.length, 1, 'the request reached the collector')
    assert.equal(nothingWaits(machine), true, 'so nothing waits to be sent again')
  })

  test('each protocol waits in its own file, and a library takes only its own', async () => {
    const machine = newMachine(collector)
    await runCut(machine, [first, measured])
    assert.deepEqual(
      readOutbox(machine, 'gtag').map((item) => item.packageName),
      ['first-lib'],
    )
    assert.deepEqual(
      readOutbox(machine, 'mp').map((item) => item.packageName),
      ['mp-lib'],
    )
    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(requests), ['first-lib', 'second-lib'])
    assert.equal(
      readOutbox(machine, 'mp').length,
      1,
      'the Measurement Protocol event waits for a library that speaks it',
    )
    const mp = await machine.importLibraries([measured], { expect: 1 })
    assert.deepEqual(packagesSent(mp.requests), ['mp-lib', 'mp-lib'])
    assert.deepEqual(mp.requests[0]!.problems, [])
  })

  test('a "no" from any channel drops what waits: it never leaves', async () => {
    const machine = newMachine(collector)
    await runCut(machine, [first])
    const refused = await machine.importLibraries([second], { env: { DO_NOT_TRACK: '1' } })
    assert.deepEqual(refused.requests, [])
    assert.equal(nothingWaits(machine), true, 'dropped, not kept for later')
    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(requests), ['second-lib'])

    await runCut(machine, [first])
    await machine.popylar(['opt-out', 'first-lib'])
    const after = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(after.requests), ['second-lib'], "the opted-out package's waiting event is dropped")
  })

  test('popylar opt-out and popylar reset delete what waits', async () => {
    for (const command of [['opt-out'], ['reset']]) {
      const machine = newMachine(collector)
      await runCut(machine, [first])
      assert.equal(await waitingCount(machine), 1)
      assert.equal((await machine.popylar(command)).code, 0)
      assert.equal(nothingWaits(machine), true, `popylar ${command[0]} deletes the outbox`)
    }
  })

  test('POPYLAR_DEBUG shows what waits in the request it prints, and leaves it waiting', async () => {
    const machine = newMachine(collector)
    await runCut(machine, [first])
    const { result, requests } = await machine.importLibraries([second], { env: { POPYLAR_DEBUG: '1' } })
    assert.deepEqual(requests, [])
    assert.match(result.stderr, /ep\.package_name=first-lib/)
    assert.match(result.stderr, /ep\.package_name=second-lib/)
    assert.equal(readOutbox(machine, 'gtag').length, 1)
  })

  for (const [what, content] of [
    ['not JSON', '{"clientId": '],
    ['not a list', '{"a": 1}'],
    [
      'entries of the wrong shape',
      JSON.stringify([
        null,
        7,
        { event: 'x' },
        keptEvent({ time: 'soon' }),
        keptEvent({ endpoint: 'not a url' }),
        keptEvent({ consent: 'maybe' }),
        keptEvent({ event: { name: 'import' } }),
      ]),
    ],
    ['an event older than 72 hours', JSON.stringify([keptEvent({ time: Date.now() - 73 * 3600_000 })])],
  ]) {
    test(`an outbox that holds ${what} is dropped; the program and its own event are unharmed`, async () => {
      const machine = newMachine(collector)
      await machine.importLibraries([second], { expect: 1 })
      plant(machine, 'gtag.G-TEST1234.0.json', content!)
      const { result, requests } = await machine.importLibraries([second], { expect: 1 })
      assert.deepEqual(outcome(result), { code: 0, stdout: '', stderr: '' })
      assert.deepEqual(packagesSent(requests), ['second-lib'])
      assert.deepEqual(requests[0]!.problems, [])
      assert.equal(nothingWaits(machine), true)
    })
  }
})

describe('kept events are data, not instructions', () => {
  test('a kept event leaves only for a measurement id and collector that a library of the program sends to, and only as GA4 would take it', async () => {
    const machine = newMachine(collector)
    await machine.importLibraries([direct], { expect: 1 })
    const here = { endpoint: collector.url }
    const named = (name: string, changes: Record<string, unknown> = {}, params: Record<string, unknown> = {}) =>
      keptEvent({ ...here, packageName: name, ...changes }, { package_name: name, ...params })
    const events = JSON.stringify([
      named('good-lib'),
      named('redirected-lib', { endpoint: elsewhere.url }),
      named('foreign-id-lib', { measurementId: 'G-EVIL9999' }),
      named('long-value-lib', {}, { note: 'x'.repeat(5000) }),
      named('bad-param-lib', {}, { 'bad-name': 1 }),
      named('future-lib', { time: Date.now() + 3600_000 }),
      named('disguised-lib', {}, { package_name: 'good-lib' }),
      named('bad-event-lib', { event: { name: '1st', params: { package_name: 'bad-event-lib' } } }),
    ])
    plant(machine, 'gtag.1.2.json', events) // as the outbox was once named
    plant(machine, 'gtag.G-TEST1234.0.json', events)
    const foreign = plant(
      machine,
      'gtag.G-EVIL9999.0.json',
      JSON.stringify([named('foreign-lib', { measurementId: 'G-EVIL9999', endpoint: elsewhere.url })]),
    )

    const { result, requests } = await machine.importLibraries([direct], {
      expect: 1,
      env: { POPYLAR_ENDPOINT: undefined },
    })
    assert.deepEqual(outcome(result), { code: 0, stdout: '', stderr: '' })
    assert.deepEqual(packagesSent(requests), ['direct-lib', 'good-lib'])
    assert.deepEqual(
      requests.map((request) => [request.measurementId, request.problems]),
      [[TEST_MEASUREMENT_ID, []]],
    )
    assert.deepEqual(elsewhere.requests, [], 'nothing went where a file said')
    assert.equal(existsSync(foreign), true, 'events for a measurement id no library here sends to are not touched')
  })

  test('POPYLAR_ENDPOINT is never written into kept events: they keep the endpoint the library was built with', async () => {
    const machine = newMachine(collector)
    await runCut(machine, [first])
    const kept = waitingFiles(machine, 'gtag').map((name) => readFileSync(join(outboxDir(machine), name), 'utf8'))
    assert.equal(kept.length, 1)
    assert.doesNotMatch(kept[0]!, new RegExp(stalled.url.replace(/\./g, '\\.')))
    assert.deepEqual(
      JSON.parse(kept[0]!).map((item: { endpoint: string }) => item.endpoint),
      [LOOPBACK_ENDPOINT],
    )
  })

  test('a 100 MB file in the outbox is deleted unread: no stall, no memory spike, nothing left behind', async () => {
    const machine = newMachine(collector)
    await machine.importLibraries([second], { expect: 1 })
    const event = JSON.stringify(keptEvent())
    const huge = `[${`${event},`.repeat(Math.ceil(100e6 / (event.length + 1)))}${event}]`
    plant(machine, 'gtag.1.2.json', huge)
    const slot = plant(machine, 'gtag.G-TEST1234.0.json', huge)
    // A heap of 64 MB: reading the file would end the program (out of memory).
    const smallHeap = () =>
      run(process.execPath, ['--max-old-space-size=64', '--input-type=module', '-e', `import ${urlOf(second)}`], {
        env: { ...machine.home.env, POPYLAR_ENDPOINT: collector.url },
        cwd: machine.home.cwd,
      })
    collector.clear()
    const result = await smallHeap()
    assert.deepEqual(outcome(result), { code: 0, stdout: '', stderr: '' })
    assert.deepEqual(packagesSent(await requestsAfterExit(collector, 1)), ['second-lib'])
    assert.equal(existsSync(slot), false, 'the file is deleted')
    assert.deepEqual(
      readdirSync(outboxDir(machine)).filter((name) => name.endsWith('.taken') || name.endsWith('.tmp')),
      [],
      'no ….taken or ….tmp stays behind',
    )
    const again = await smallHeap()
    assert.ok(
      again.ms < result.ms + 500 && result.ms < again.ms + 500,
      `as fast as a run without it: ${result.ms.toFixed(0)} ms, then ${again.ms.toFixed(0)} ms`,
    )
  })

  test('an outbox that is a link to another folder is never followed: nothing there is read, deleted or written', async () => {
    const machine = newMachine(collector)
    await machine.importLibraries([second], { expect: 1 })
    const target = mkdtempSync(join(tmpdir(), 'popylar-elsewhere-'))
    after(() => rmSync(target, { recursive: true, force: true }))
    const events = JSON.stringify([keptEvent()])
    writeFileSync(join(target, 'gtag.1.2.json'), events)
    writeFileSync(join(target, 'gtag.G-TEST1234.0.json'), events)
    symlinkSync(target, outboxDir(machine))
    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(requests), ['second-lib'])
    await runEndingUnwritten(machine, [first])
    assert.deepEqual(readdirSync(target).sort(), ['gtag.1.2.json', 'gtag.G-TEST1234.0.json'], 'untouched')
    assert.equal(lstatSync(outboxDir(machine)).isSymbolicLink(), true)
  })

  test('a file of kept events that is a link is deleted, not read; what it points to is untouched', async () => {
    const machine = newMachine(collector)
    await machine.importLibraries([second], { expect: 1 })
    const outside = join(machine.home.dir, 'outside.json')
    const content = JSON.stringify([keptEvent()])
    writeFileSync(outside, content)
    plant(machine, 'placeholder', '')
    symlinkSync(outside, slotFile(machine, 3))
    const { requests } = await machine.importLibraries([second], { expect: 1 })
    assert.deepEqual(packagesSent(requests), ['second-lib'])
    assert.equal(existsSync(slotFile(machine, 3)), false)
    assert.equal(readFileSync(outside, 'utf8'), content)
  })
})
