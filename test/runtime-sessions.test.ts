// Sessions as GA4 reads them, across runs of real programs on one machine (one home): one session lasts
// while runs keep coming within 30 minutes, each GA4 property is told once of the client's first visit
// (_fv) and of each session's start (_ss), and counts its sessions (sct); programs that run together agree.
// The 30 minutes pass without waiting: the session's last activity is written back in time in the home's
// config.json, as it would be after half an hour without a run. The collector checks every request against
// the ones before it, as GA4 joins them.
import assert from 'node:assert/strict'
import { existsSync, lutimesSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { startCollector, type Collector, type ReceivedRequest } from '@popylar/tools/collector'
import { LOOPBACK_ENDPOINT, loopbackLibraries, tinyLibrary } from './support/library.js'
import { newMachine, type Machine } from './support/machine.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { run, type RunResult } from './support/run.js'
import { stalledListener, type StalledListener } from './support/stalled-listener.js'

const MINUTE = 60_000
const OTHER_PROPERTY = 'G-OTHER2345'

let collector: Collector
/** Where connections never complete: a program ends before its request is written. */
let stalled: StalledListener
let gtagLib: string
let mpLib: string
let otherLib: string
const libraries = loopbackLibraries()
const removals: Array<() => void> = []

before(async () => {
  ;[collector, stalled] = await Promise.all([startCollector(), stalledListener()])
  ;[gtagLib, mpLib, otherLib] = await Promise.all([
    libraries.build('session-lib'),
    libraries.build('session-mp-lib', { apiSecret: 'test-secret' }),
    tinyLibrary((remove) => void removals.push(remove), {
      name: 'other-property-lib',
      measurementId: OTHER_PROPERTY,
      plugin: { endpoint: LOOPBACK_ENDPOINT },
    }).then((library) => library.esm),
  ])
})
after(async () => {
  stalled.close()
  await collector.close()
  libraries.remove()
  for (const remove of removals) remove()
})

interface Config {
  clientId: string
  session: { id: number; lastActivity: number }
  properties: Record<string, { sessionId: number; sessionCount: number }>
}

const readConfig = (machine: Machine): Config => JSON.parse(readFileSync(machine.home.configFile, 'utf8'))

/** As if the last run on the machine had been `minutes` ago. */
function lastRunAgo(machine: Machine, minutes: number): void {
  const config = readConfig(machine)
  config.session.lastActivity = Date.now() - minutes * MINUTE
  writeFileSync(machine.home.configFile, JSON.stringify(config))
}

/** Runs a program that imports the libraries, expecting one request; returns it, valid by GA4's rules. */
async function oneRun(machine: Machine, files: string[]): Promise<ReceivedRequest> {
  const { result, requests } = await machine.importLibraries(files, { expect: 1 })
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stderr, '')
  assert.equal(requests.length, 1, 'one request')
  assert.deepEqual(requests[0]!.problems, [], 'GA4 would take it, with the requests before it')
  return requests[0]!
}

test("two runs within a minute share a session: the first run on a fresh machine announces the client's first visit and the session's start, the second nothing", async () => {
  const machine = newMachine(collector)
  const first = await oneRun(machine, [gtagLib])
  assert.deepEqual({ ...first.session, id: undefined }, { id: undefined, number: '1', starts: 1, firstVisits: 1 })
  const line = new URLSearchParams(first.body)
  assert.deepEqual([line.get('_fv'), line.get('_ss')], ['1', '1'], 'on the event itself, as gtag.js puts them')

  const second = await oneRun(machine, [gtagLib])
  assert.deepEqual(second.session, { ...first.session, starts: 0, firstVisits: 0 })
  assert.equal(readConfig(machine).session.id, Number(first.session.id), 'the session kept in config.json')

  // The same property over the Measurement Protocol: the same session id (it has no way to say _fv or _ss).
  const mp = await oneRun(machine, [mpLib])
  assert.equal(mp.protocol, 'mp')
  assert.equal(mp.session.id, first.session.id)
  assert.equal(JSON.parse(mp.body).events[0].params.engagement_time_msec, 1)
})

test("a first run whose request could not be written: its event waits with the first visit and the session's start, and the next run tells them", async () => {
  const machine = newMachine(collector)
  const cut = await machine.importLibraries([gtagLib], { env: { POPYLAR_ENDPOINT: stalled.url } })
  assert.deepEqual([cut.result.code, cut.requests], [0, []])
  const next = await oneRun(machine, [gtagLib])
  assert.equal(next.events.length, 2, "the first run's event and the second's")
  assert.deepEqual({ ...next.session, id: undefined }, { id: undefined, number: '1', starts: 1, firstVisits: 1 })
  assert.equal(next.session.id, String(readConfig(machine).session.id), 'in the session the first run started')
})

test('a run 29 minutes after the last goes on in its session and keeps it alive; one 31 minutes after starts the next, numbered one more', async () => {
  const machine = newMachine(collector)
  const first = await oneRun(machine, [gtagLib])

  lastRunAgo(machine, 29)
  const before = Date.now()
  const within = await oneRun(machine, [gtagLib])
  assert.deepEqual(within.session, { ...first.session, starts: 0, firstVisits: 0 })
  assert.ok(readConfig(machine).session.lastActivity >= before, 'the run is recorded as the last activity')

  lastRunAgo(machine, 31)
  const after = await oneRun(machine, [gtagLib])
  assert.ok(Number(after.session.id) > Number(first.session.id), 'a new session id: the second it started')
  assert.deepEqual({ ...after.session, id: undefined }, { id: undefined, number: '2', starts: 1, firstVisits: 0 })
  assert.equal(readConfig(machine).session.id, Number(after.session.id))
})

test("a library of another GA4 property, first used where others ran before: that property sees a new user, in the machine's session", async () => {
  const machine = newMachine(collector)
  const first = await oneRun(machine, [gtagLib])
  const other = await oneRun(machine, [otherLib])
  assert.equal(other.measurementId, OTHER_PROPERTY)
  assert.equal(other.clientId, first.clientId)
  assert.deepEqual(other.session, { id: first.session.id, number: '1', starts: 1, firstVisits: 1 })

  // Both in one program, in a new session: one request each, each with its own count.
  lastRunAgo(machine, 40)
  const { requests } = await machine.importLibraries([gtagLib, otherLib], { expect: 2 })
  assert.equal(requests.length, 2)
  for (const request of requests) {
    assert.deepEqual(request.problems, [])
    assert.deepEqual({ ...request.session, id: undefined }, { id: undefined, number: '2', starts: 1, firstVisits: 0 })
  }
  assert.equal(requests[0]!.session.id, requests[1]!.session.id, 'one session on the machine')
  assert.deepEqual(Object.keys(readConfig(machine).properties).sort(), [OTHER_PROPERTY, first.measurementId].sort())
})

/** Programs, started one by one, that import the libraries all at the same moment, a while after the last has started. */
async function togetherAt(machine: Machine, count: number, files: string[]): Promise<RunResult[]> {
  const moment = Date.now() + 1500
  const source = [
    `await new Promise((resolve) => setTimeout(resolve, ${moment} - Date.now()))`,
    ...files.map((file) => `await import(${JSON.stringify(pathToFileURL(file).href)})`),
  ].join('\n')
  const env = { ...machine.home.env, POPYLAR_ENDPOINT: collector.url }
  return Promise.all(
    Array.from({ length: count }, () =>
      run(process.execPath, ['--input-type=module', '-e', source], { env, cwd: machine.home.cwd }),
    ),
  )
}

test('12 programs that import at the same moment after the session expired agree on one new session, started once', async () => {
  const machine = newMachine(collector)
  const first = await oneRun(machine, [gtagLib])
  lastRunAgo(machine, 45)
  collector.clear()
  for (const result of await togetherAt(machine, 12, [gtagLib])) assert.deepEqual([result.code, result.stderr], [0, ''])
  const requests = await requestsAfterExit(collector, 12)
  assert.equal(requests.length, 12)
  for (const request of requests) assert.deepEqual(request.problems, [])
  const sessions = new Set(requests.map((request) => `${request.session.id} ${request.session.number}`))
  assert.equal(sessions.size, 1, [...sessions].join(', '))
  assert.notEqual(requests[0]!.session.id, first.session.id)
  assert.equal(requests[0]!.session.number, '2')
  assert.equal(
    requests.reduce((sum, request) => sum + request.session.starts, 0),
    1,
    'one session start',
  )
})

test('config.json locked by another program: the run goes out in the last recorded session and writes nothing; a lock left by a program that died is taken over', async () => {
  const machine = newMachine(collector)
  const first = await oneRun(machine, [gtagLib])
  lastRunAgo(machine, 31)
  const lock = `${machine.home.configFile}.lock`
  writeFileSync(lock, '')
  const kept = readFileSync(machine.home.configFile, 'utf8')
  const locked = await oneRun(machine, [gtagLib])
  assert.deepEqual(locked.session, { ...first.session, starts: 0, firstVisits: 0 })
  assert.equal(readFileSync(machine.home.configFile, 'utf8'), kept, 'config.json untouched')
  assert.ok(existsSync(lock), "another program's lock is left alone")

  const longAgo = new Date(Date.now() - 5000)
  utimesSync(lock, longAgo, longAgo)
  const next = await oneRun(machine, [gtagLib])
  assert.deepEqual({ ...next.session, id: undefined }, { id: undefined, number: '2', starts: 1, firstVisits: 0 })
  assert.equal(existsSync(lock), false, 'the stale lock is gone')
  assert.equal(readConfig(machine).session.id, Number(next.session.id))

  // A link in its place that points nowhere, left long ago: judged by itself, and taken over too.
  lastRunAgo(machine, 31)
  symlinkSync(`${machine.home.dir}/nowhere`, lock)
  lutimesSync(lock, longAgo, longAgo)
  const linked = await oneRun(machine, [gtagLib])
  assert.deepEqual({ ...linked.session, id: undefined }, { id: undefined, number: '3', starts: 1, firstVisits: 0 })
  assert.equal(existsSync(`${machine.home.dir}/nowhere`), false, 'nothing made where the link pointed')
})

test('POPYLAR_DEBUG shows the session a run would join, and records nothing of it: the next run announces what was shown', async () => {
  const machine = newMachine(collector)
  await oneRun(machine, [gtagLib])
  lastRunAgo(machine, 31)
  const kept = readFileSync(machine.home.configFile, 'utf8')
  const debug = await machine.importLibraries([gtagLib], { env: { POPYLAR_DEBUG: '1' } })
  assert.match(debug.result.stderr, /[?&]sct=2&/)
  assert.match(debug.result.stderr, /\nen=import&_ss=1&/)
  assert.equal(readFileSync(machine.home.configFile, 'utf8'), kept, 'config.json untouched')
  const real = await oneRun(machine, [gtagLib])
  assert.deepEqual({ ...real.session, id: undefined }, { id: undefined, number: '2', starts: 1, firstVisits: 0 })
})

test('popylar reset: a new user to every property, in a new session', async () => {
  const machine = newMachine(collector)
  const first = await oneRun(machine, [gtagLib])
  assert.equal((await machine.popylar(['reset'])).code, 0)
  const config = readConfig(machine)
  assert.notEqual(config.clientId, first.clientId)
  assert.deepEqual([config.session, config.properties], [undefined, {}])
  const next = await oneRun(machine, [gtagLib])
  assert.equal(next.clientId, config.clientId)
  assert.deepEqual({ ...next.session, id: undefined }, { id: undefined, number: '1', starts: 1, firstVisits: 1 })
})
