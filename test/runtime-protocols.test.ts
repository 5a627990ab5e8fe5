// Events sent by hand with trackEvent arrive over both GA4 protocols with the documented fields, and the
// promise tells the truth: true once the collector took the event, false (never a rejection) otherwise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { request } from 'undici'
import { startCollector } from '@popylar/tools/collector'
import { runTrackEvents, type TrackEventArgs } from './support/hand-sent.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { tempHome } from './support/temp-home.js'
import { collectorFor } from './support/tracked-run.js'

const ID = 'G-TEST1234'
const SECRET = 'test-secret'
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** What the tracker adds to every event, as the child process (this same node) reports it. */
const RUNTIME_PARAMS = {
  runtime: 'node',
  runtime_version: process.versions.node,
  os: process.platform,
  arch: process.arch,
  ci: 'false',
}

function clientIdIn(configFile: string): string {
  return JSON.parse(readFileSync(configFile, 'utf8')).clientId
}

test('gtag protocol (no apiSecret): v=2, tid, cid, sid, en, ep.* and epn.*, valid by GA4 rules', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const result = await runTrackEvents(home, [
    [ID, 'hand_sent', { label: 'from a test', count: 3 }, { endpoint: collector.url }],
  ])
  assert.equal(result.stdout, '[true]\n', result.stderr)
  assert.equal(result.stderr, '')
  assert.equal(result.code, 0)

  const requests = await requestsAfterExit(collector, 1)
  assert.equal(requests.length, 1)
  const sent = requests[0]!
  assert.equal(sent.protocol, 'gtag')
  assert.equal(sent.path, '/g/collect')
  assert.equal(sent.method, 'POST')
  assert.equal(sent.query.v, '2')
  assert.equal(sent.query.tid, ID)
  assert.match(sent.query.cid!, UUID_V4)
  assert.equal(sent.query.cid, clientIdIn(home.configFile), 'cid is the client id kept in the config file')
  assert.match(sent.query.sid!, /^\d+$/)
  const line = new URLSearchParams(sent.body.trim())
  assert.equal(line.get('en'), 'hand_sent')
  assert.equal(line.get('ep.label'), 'from a test', 'string params go as ep.*')
  assert.equal(line.get('epn.count'), '3', 'number params go as epn.*')
  assert.equal(line.get('ep.runtime'), 'node')
  assert.deepEqual(sent.events, [{ name: 'hand_sent', params: { label: 'from a test', count: 3, ...RUNTIME_PARAMS } }])
  assert.deepEqual(sent.problems, [])
})

test('Measurement Protocol (apiSecret): measurement_id and api_secret in the query, client_id, events[] with session_id and engagement_time_msec', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const result = await runTrackEvents(home, [
    [ID, 'hand_sent', { label: 'from a test', count: 3 }, { endpoint: collector.url, apiSecret: SECRET }],
  ])
  assert.equal(result.stdout, '[true]\n', result.stderr)
  assert.equal(result.stderr, '')

  const requests = await requestsAfterExit(collector, 1)
  assert.equal(requests.length, 1)
  const sent = requests[0]!
  assert.equal(sent.protocol, 'mp')
  assert.equal(sent.path, '/mp/collect')
  assert.equal(sent.query.measurement_id, ID)
  assert.equal(sent.query.api_secret, SECRET)
  assert.match(sent.headers['content-type']!, /^application\/json/)
  const body = JSON.parse(sent.body)
  assert.equal(body.client_id, clientIdIn(home.configFile))
  assert.match(body.client_id, UUID_V4)
  assert.equal(body.events.length, 1)
  const [event] = body.events
  assert.equal(event.name, 'hand_sent')
  assert.equal(event.params.label, 'from a test')
  assert.equal(event.params.count, 3)
  assert.match(String(event.params.session_id), /^\d+$/, 'session_id: GA4 reports need it')
  assert.ok(
    typeof event.params.engagement_time_msec === 'number' && event.params.engagement_time_msec >= 1,
    'engagement_time_msec >= 1: GA4 reports need it',
  )
  for (const [name, value] of Object.entries(RUNTIME_PARAMS)) assert.equal(event.params[name], value, name)
  assert.deepEqual(sent.problems, [])
})

test('the validation endpoint (/debug/mp/collect) finds nothing wrong with our events', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const endpoint = `${collector.url}/debug/mp/collect`
  const result = await runTrackEvents(home, [
    [ID, 'hand_sent', { label: 'checked', count: 1.5 }, { endpoint, apiSecret: SECRET }],
  ])
  assert.equal(result.stdout, '[true]\n', result.stderr)
  const [sent] = await requestsAfterExit(collector, 1)
  assert.equal(sent!.path, '/debug/mp/collect', 'an endpoint that names a collect path is used as it is')
  // Ask the validation server about the very request the tracker sent, and read its answer.
  const query = new URLSearchParams(sent!.query).toString()
  const answer = await request(`${endpoint}?${query}`, {
    method: 'POST',
    body: sent!.body,
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(answer.statusCode, 200)
  assert.deepEqual(await answer.body.json(), { validationMessages: [] })
})

test('trackEvent resolves false, never rejects, and sends nothing when the person opted out', async (t) => {
  const collector = await collectorFor(t)
  const result = await runTrackEvents(tempHome(t), [[ID, 'hand_sent', {}, { endpoint: collector.url }]], {
    env: { DO_NOT_TRACK: '1' },
  })
  assert.equal(result.stdout, '[false]\n', result.stderr)
  assert.equal(result.stderr, '')
  assert.equal(result.code, 0)
  assert.deepEqual(await requestsAfterExit(collector, 0), [])
})

test('trackEvent resolves false for input GA4 would reject, and sends none of it', async (t) => {
  const collector = await collectorFor(t)
  const options = { endpoint: collector.url }
  const bad: TrackEventArgs[] = [
    ['UA-12345-1', 'hand_sent', {}, options],
    ['', 'hand_sent', {}, options],
    [null, 'hand_sent', {}, options],
    [ID, '', {}, options],
    [ID, '1starts_with_a_digit', {}, options],
    [ID, 'has-a-dash', {}, options],
    [ID, 'x'.repeat(41), {}, options],
    [ID, 'first_visit', {}, options],
    [ID, '_reserved_prefix', {}, options],
    [ID, 42, {}, options],
    [ID, 'hand_sent', { 'bad-name': 'x' }, options],
    [ID, 'hand_sent', { long: 'x'.repeat(101) }, options],
    [ID, 'hand_sent', { nested: { a: 1 } }, options],
    [ID, 'hand_sent', { flag: true }, options],
    [ID, 'hand_sent', Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, i])), options],
    [ID, 'hand_sent', { runtime: 'mine' }, options],
    [ID, 'hand_sent', 'not an object', options],
    [ID, 'hand_sent', {}, { endpoint: 'not a url' }],
  ]
  const result = await runTrackEvents(tempHome(t), bad)
  assert.equal(result.stderr, '')
  assert.equal(result.code, 0)
  assert.deepEqual(
    JSON.parse(result.stdout),
    bad.map(() => false),
  )
  assert.deepEqual(await requestsAfterExit(collector, 0), [])
})

test('trackEvent resolves false, never rejects, when the collector is down, answers 500, resets or hangs; true when it answers late', async (t) => {
  const down = await startCollector()
  await down.close()
  const collector = await collectorFor(t)
  const cases: Array<{ behaviour: 'error500' | 'reset' | 'hang' | 'slow' | 'down'; expected: boolean }> = [
    { behaviour: 'down', expected: false },
    { behaviour: 'error500', expected: false },
    { behaviour: 'reset', expected: false },
    { behaviour: 'hang', expected: false },
    { behaviour: 'slow', expected: true },
  ]
  for (const { behaviour, expected } of cases) {
    if (behaviour !== 'down') collector.setBehaviour(behaviour, { delayMs: 300 })
    const endpoint = behaviour === 'down' ? down.url : collector.url
    const result = await runTrackEvents(tempHome(t), [[ID, 'hand_sent', {}, { endpoint }]])
    assert.deepEqual(
      { stdout: result.stdout, stderr: result.stderr, code: result.code },
      { stdout: `[${expected}]\n`, stderr: '', code: 0 },
      behaviour,
    )
  }
})
