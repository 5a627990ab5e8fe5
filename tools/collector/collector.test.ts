// Tests of the local GA4 stand-in itself: parsing, GA4 rules, answers and behaviours.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'undici'
import { startCollector, type Collector, type CollectorOptions, type ValidationMessage } from './collector.js'

const TID = 'G-TEST1234'
const CID = '0b7c2a9e-3f4d-4c1a-9e2b-5d6f7a8b9c0d'
const SECRET = 'test-secret'

async function collectorFor(t: TestContext, options: CollectorOptions = {}): Promise<Collector> {
  const collector = await startCollector(options)
  t.after(() => collector.close())
  return collector
}

/** A Chrome on Linux, as gtag.js in it describes itself: its reduced user agent and its client hints. */
const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const HINTS = {
  uaa: 'x86',
  uab: '64',
  uafvl: 'Chromium;124.0.6367.158|Google%20Chrome;124.0.6367.158|Not-A.Brand;99.0.0.0',
  uamb: '0',
  uap: 'Linux',
  uapv: '',
}
/** What a Measurement Protocol request says of the device. */
const DEVICE = { category: 'desktop', operating_system: 'Linux', browser: 'Node.js', browser_version: '22.0.0' }

function gtagUrl(collector: Collector, extra = '', hints: Record<string, string> = HINTS): string {
  const query = new URLSearchParams({ v: '2', tid: TID, cid: CID, ...hints, sid: '1700000000', sct: '1' })
  return `${collector.url}/g/collect?${query}${extra}`
}

function mpBody(events: object[], more: object = {}) {
  return { client_id: CID, device: DEVICE, events, ...more }
}

function mpUrl(collector: Collector, { debug = false, measurementId = TID } = {}): string {
  return `${collector.url}${debug ? '/debug' : ''}/mp/collect?measurement_id=${measurementId}&api_secret=${SECRET}`
}

function mpEvent(name: string, params: Record<string, unknown> = {}) {
  return { name, params: { session_id: '1700000000', engagement_time_msec: 1, ...params } }
}

/** POSTs a gtag body (text, from the browser above unless headers say otherwise) or a Measurement Protocol one (an object). */
async function post(
  url: string,
  body: string | object,
  options: { headersTimeout?: number; headers?: Record<string, string> } = {},
) {
  const gtag = typeof body === 'string'
  const res = await request(url, {
    method: 'POST',
    body: gtag ? body : JSON.stringify(body),
    headersTimeout: options.headersTimeout,
    headers: {
      'content-type': gtag ? 'text/plain;charset=UTF-8' : 'application/json',
      ...(gtag ? { 'user-agent': BROWSER_UA } : {}),
      ...options.headers,
    },
  })
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

/** The debug endpoint's answer for a Measurement Protocol body. */
async function validate(collector: Collector, body: object, measurementId = TID): Promise<ValidationMessage[]> {
  const res = await post(mpUrl(collector, { debug: true, measurementId }), body)
  assert.equal(res.status, 200)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  return (JSON.parse(res.text) as { validationMessages: ValidationMessage[] }).validationMessages
}

function codesAt(messages: ValidationMessage[], fieldPath: string): string[] {
  return messages.filter((m) => m.fieldPath === fieldPath).map((m) => m.validationCode)
}

// ---------------------------------------------------------------- gtag

test('gtag: a valid request with two event lines is parsed into two events, without problems', async (t) => {
  const collector = await collectorFor(t)
  const body = [
    'en=package_import&ep.package_name=left-pad&epn.count=3&_et=1',
    'en=package_build&ep.package_name=left-pad&_et=1',
  ].join('\n')
  const res = await post(gtagUrl(collector), body)
  assert.equal(res.status, 204)
  assert.equal(res.headers['access-control-allow-origin'], '*')
  const [received] = await collector.waitForRequests(1)
  assert.ok(received)
  assert.equal(received.protocol, 'gtag')
  assert.equal(received.path, '/g/collect')
  assert.equal(received.measurementId, TID)
  assert.equal(received.clientId, CID)
  assert.equal(received.body, body)
  assert.deepEqual(received.events, [
    { name: 'package_import', params: { package_name: 'left-pad', count: 3 } },
    { name: 'package_build', params: { package_name: 'left-pad' } },
  ])
  assert.deepEqual(received.problems, [])
  assert.deepEqual(
    collector.events().map((e) => [e.name, e.request]),
    [
      ['package_import', received],
      ['package_build', received],
    ],
  )
})

test('gtag: CRLF lines, shared ep.* on the query, and a GET with the event on the query', async (t) => {
  const collector = await collectorFor(t)
  await post(gtagUrl(collector, '&ep.shared=yes'), 'en=one&ep.own=1\r\nen=two&ep.shared=line\r\n')
  const get = await request(gtagUrl(collector, '&en=three&epn.n=7'), { headers: { 'user-agent': BROWSER_UA } })
  await get.body.dump()
  assert.equal(get.statusCode, 204)
  const [first, second] = await collector.waitForRequests(2)
  assert.deepEqual(first?.events, [
    { name: 'one', params: { shared: 'yes', own: '1' } },
    { name: 'two', params: { shared: 'line' } },
  ])
  assert.deepEqual(second?.events, [{ name: 'three', params: { n: 7 } }])
  assert.deepEqual([first?.problems, second?.problems], [[], []])
})

test('gtag: missing v, tid, sid, en and a non-UUID client id are problems', async (t) => {
  const collector = await collectorFor(t)
  await post(`${collector.url}/g/collect?cid=123.456`, 'ep.x=1\nen=ok&ep.a=1&epn.a=2')
  const [received] = await collector.waitForRequests(1)
  const problems = received?.problems ?? []
  assert.deepEqual(codesAt(problems, 'v'), ['VALUE_REQUIRED'])
  assert.deepEqual(codesAt(problems, 'tid'), ['VALUE_REQUIRED'])
  assert.deepEqual(codesAt(problems, 'sid'), ['VALUE_REQUIRED'])
  assert.deepEqual(codesAt(problems, 'sct'), ['VALUE_REQUIRED'])
  assert.deepEqual(codesAt(problems, 'cid'), ['VALUE_INVALID'])
  assert.deepEqual(codesAt(problems, 'events[0].name'), ['VALUE_REQUIRED'])
  assert.deepEqual(codesAt(problems, 'events[1].params.a'), ['NAME_DUPLICATED'])
})

/** The problems of one gtag hit, as [fieldPath, code] pairs. */
async function gtagProblems(
  collector: Collector,
  { query = gtagUrl(collector), headers = {} }: { query?: string; headers?: Record<string, string> },
): Promise<string[][]> {
  collector.clear()
  await post(query, 'en=one&_et=1', { headers })
  const [received] = await collector.waitForRequests(1)
  return (received?.problems ?? []).map((m) => [m.fieldPath, m.validationCode])
}

test("gtag: a hit needs a browser's user agent, and from a Chromium one its client hints", async (t) => {
  const collector = await collectorFor(t)
  assert.deepEqual(await gtagProblems(collector, { headers: { 'user-agent': '' } }), [['user-agent', 'VALUE_REQUIRED']])
  assert.deepEqual(await gtagProblems(collector, { headers: { 'user-agent': 'node' } }), [
    ['user-agent', 'VALUE_INVALID'],
  ])
  assert.deepEqual(
    await gtagProblems(collector, { query: gtagUrl(collector, '', {}) }),
    ['uaa', 'uab', 'uafvl', 'uamb', 'uap', 'uapv'].map((hint) => [hint, 'VALUE_REQUIRED']),
    'Chrome without hints',
  )
  assert.deepEqual(
    await gtagProblems(collector, {
      query: gtagUrl(collector, '', {}),
      headers: { 'sec-ch-ua': '"Chromium";v="124"', 'sec-ch-ua-platform': '"Linux"', 'sec-ch-ua-mobile': '?0' },
    }),
    [],
    'Chrome with its Sec-CH-UA headers, as a browser sends a beacon',
  )
  const headless =
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36'
  assert.equal(
    (await gtagProblems(collector, { query: gtagUrl(collector, '', {}), headers: { 'user-agent': headless } })).length,
    6,
    'headless Chrome without hints',
  )
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
  assert.deepEqual(
    await gtagProblems(collector, { query: gtagUrl(collector, '', {}), headers: { 'user-agent': firefox } }),
    [],
    'Firefox has no client hints',
  )
})

test('gtag: client hints of the wrong form, or that contradict the user agent', async (t) => {
  const collector = await collectorFor(t)
  const windows =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
  const wrong = { ...HINTS, uamb: '2', uab: 'x64', uapv: '6.8.0-45-generic', uafvl: 'Chromium;111.0.0.0' }
  assert.deepEqual(
    await gtagProblems(collector, { query: gtagUrl(collector, '', wrong), headers: { 'user-agent': windows } }),
    [
      ['uamb', 'VALUE_INVALID'],
      ['uab', 'VALUE_INVALID'],
      ['uapv', 'VALUE_INVALID'],
      ['uap', 'VALUE_INVALID'],
      ['uafvl', 'VALUE_INVALID'],
    ],
  )
  assert.deepEqual(
    await gtagProblems(collector, { query: gtagUrl(collector, '', { ...HINTS, uap: 'linux', uafvl: 'Chromium' }) }),
    [
      ['uap', 'VALUE_INVALID'],
      ['uafvl', 'VALUE_INVALID'],
      ['uap', 'VALUE_INVALID'],
    ],
  )
})

/** A gtag hit of session sid (number sct) for client cid, one line per event with the marks given. */
async function sessionHit(collector: Collector, sid: string, sct: string, lines: string[], cid = CID) {
  const query = new URLSearchParams({ v: '2', tid: TID, cid, ...HINTS, sid, sct })
  await post(`${collector.url}/g/collect?${query}`, lines.map((marks) => `en=import${marks}&_et=1`).join('\n'))
  // Recorded before the answer.
  return collector.requests.at(-1)!
}

test("gtag sessions: a client's first visit and sessions that start, go on and follow each other are accepted", async (t) => {
  const collector = await collectorFor(t)
  const first = await sessionHit(collector, '1700000000', '1', ['&_fv=1&_ss=1', ''])
  assert.deepEqual(first.session, { id: '1700000000', number: '1', starts: 1, firstVisits: 1 })
  collector.clear()
  const more = await sessionHit(collector, '1700000000', '1', [''])
  const next = await sessionHit(collector, '1700003600', '2', ['&_ss=1'])
  const late = await sessionHit(collector, '1700000000', '1', [''])
  assert.deepEqual(
    [first, more, next, late].map((request) => request.problems),
    [[], [], [], []],
  )
  // Another client of the same property has its own first visit.
  const other = await sessionHit(collector, '1700000000', '1', ['&_fv=1&_ss=1'], '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f')
  assert.deepEqual(other.problems, [])
})

test('gtag sessions: a second first visit, a first visit after the first session, a second start, a number that changes or goes back', async (t) => {
  const collector = await collectorFor(t)
  const codes = (request: { problems: ValidationMessage[] }) =>
    request.problems.map((m) => [m.fieldPath, m.validationCode])
  await sessionHit(collector, '1700000000', '1', ['&_fv=1&_ss=1'])
  assert.deepEqual(codes(await sessionHit(collector, '1700000000', '1', ['&_fv=1'])), [
    ['events[0]._fv', 'VALUE_INVALID'],
  ])
  assert.deepEqual(codes(await sessionHit(collector, '1700000000', '1', ['', '&_ss=1'])), [
    ['events[1]._ss', 'VALUE_INVALID'],
  ])
  assert.deepEqual(codes(await sessionHit(collector, '1700000000', '2', [''])), [['sct', 'VALUE_INVALID']])
  assert.deepEqual(codes(await sessionHit(collector, '1700009000', '1', ['&_ss=1'])), [['sct', 'VALUE_INVALID']])

  const fresh = await collectorFor(t)
  const other = '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f'
  assert.deepEqual(codes(await sessionHit(fresh, '1700000000', '3', ['&_fv=1&_ss=1'], other)), [
    ['events[0]._fv', 'VALUE_INVALID'],
  ])
})

// ---------------------------------------------------------------- Measurement Protocol

test('mp: a valid request is answered 204 with an empty body, and parsed', async (t) => {
  const collector = await collectorFor(t)
  const body = mpBody([
    { ...mpEvent('package_import', { package_name: 'left-pad', size: 12 }), timestamp_micros: Date.now() * 1000 },
  ])
  const res = await post(mpUrl(collector), body)
  assert.equal(res.status, 204)
  assert.equal(res.text, '')
  assert.equal(res.headers['access-control-allow-origin'], '*')
  const [received] = await collector.waitForRequests(1)
  assert.equal(received?.protocol, 'mp')
  assert.equal(received?.debug, false)
  assert.equal(received?.measurementId, TID)
  assert.equal(received?.clientId, CID)
  assert.equal(received?.apiSecret, SECRET)
  assert.deepEqual(received?.events, [
    {
      name: 'package_import',
      params: { package_name: 'left-pad', size: 12, session_id: '1700000000', engagement_time_msec: 1 },
    },
  ])
  assert.deepEqual(received?.problems, [])
})

test('mp: an invalid request is still answered 204, like Google, but its problems are recorded', async (t) => {
  const collector = await collectorFor(t)
  const res = await post(mpUrl(collector), mpBody([mpEvent('session_start')]))
  assert.equal(res.status, 204)
  const [received] = await collector.waitForRequests(1)
  assert.deepEqual(codesAt(received?.problems ?? [], 'events[0].name'), ['NAME_RESERVED'])
})

test('debug: a valid request gets an empty list of validation messages', async (t) => {
  const collector = await collectorFor(t)
  assert.deepEqual(await validate(collector, mpBody([mpEvent('package_import')])), [])
  const [received] = await collector.waitForRequests(1)
  assert.equal(received?.debug, true)
})

test('debug: a reserved event name', async (t) => {
  const collector = await collectorFor(t)
  const messages = await validate(collector, mpBody([mpEvent('first_visit')]))
  assert.deepEqual(messages, [
    {
      fieldPath: 'events[0].name',
      description: 'Event at index: [0] has name [first_visit] which is reserved.',
      validationCode: 'NAME_RESERVED',
    },
  ])
})

test('debug: invalid and reserved names of events and params', async (t) => {
  const collector = await collectorFor(t)
  const messages = await validate(
    collector,
    mpBody([
      mpEvent('_bad'),
      mpEvent('google_thing'),
      mpEvent('has-dash', { ga_x: '1', ['p'.repeat(41)]: '1' }),
      mpEvent('a'.repeat(41)),
    ]),
  )
  assert.deepEqual(codesAt(messages, 'events[0].name'), ['NAME_INVALID'])
  assert.deepEqual(codesAt(messages, 'events[1].name'), ['NAME_RESERVED'])
  assert.deepEqual(codesAt(messages, 'events[2].name'), ['NAME_INVALID'])
  assert.deepEqual(codesAt(messages, 'events[2].params.ga_x'), ['NAME_RESERVED'])
  assert.deepEqual(codesAt(messages, `events[2].params.${'p'.repeat(41)}`), ['NAME_INVALID'])
  assert.deepEqual(codesAt(messages, 'events[3].name'), ['NAME_INVALID'])
  assert.equal(messages.length, 6)
})

test('debug: a param value longer than 100 characters', async (t) => {
  const collector = await collectorFor(t)
  const messages = await validate(
    collector,
    mpBody([mpEvent('package_import', { ok: 'x'.repeat(100), long: 'x'.repeat(101) })]),
  )
  assert.deepEqual(
    messages.map((m) => [m.fieldPath, m.validationCode]),
    [['events[0].params.long', 'VALUE_OUT_OF_BOUNDS']],
  )
})

test('debug: 26 events in one request, and 26 params in one event', async (t) => {
  const collector = await collectorFor(t)
  const events = Array.from({ length: 26 }, () => mpEvent('package_import'))
  const messages = await validate(collector, mpBody(events))
  assert.deepEqual(
    messages.map((m) => [m.fieldPath, m.validationCode]),
    [['events', 'EXCEEDED_MAX_ENTITIES']],
  )
  const params = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`p${i}`, i]))
  const tooMany = await validate(collector, mpBody([mpEvent('package_import', params)]))
  assert.deepEqual(
    tooMany.map((m) => [m.fieldPath, m.validationCode]),
    [['events[0].params', 'EXCEEDED_MAX_ENTITIES']],
  )
})

test('debug: a UA- id, a missing measurement id and a missing or non-UUID client id', async (t) => {
  const collector = await collectorFor(t)
  const body = mpBody([mpEvent('package_import')])
  assert.deepEqual(
    (await validate(collector, body, 'UA-12345-1')).map((m) => [m.fieldPath, m.validationCode]),
    [['measurement_id', 'VALUE_INVALID']],
  )
  assert.deepEqual(
    (await validate(collector, body, '')).map((m) => [m.fieldPath, m.validationCode]),
    [['measurement_id', 'VALUE_REQUIRED']],
  )
  const noClient = await validate(collector, { device: DEVICE, events: body.events })
  assert.deepEqual(
    noClient.map((m) => [m.fieldPath, m.validationCode]),
    [['client_id', 'VALUE_REQUIRED']],
  )
  const notUuid = await validate(collector, { ...body, client_id: '123456.7654321' })
  assert.deepEqual(
    notUuid.map((m) => [m.fieldPath, m.validationCode]),
    [['client_id', 'VALUE_INVALID']],
  )
})

test('debug: missing engagement_time_msec and session_id, needed for GA4 reports', async (t) => {
  const collector = await collectorFor(t)
  const messages = await validate(
    collector,
    mpBody([
      { name: 'package_import', params: { session_id: '1' } },
      { name: 'package_build', params: { engagement_time_msec: 0 } },
    ]),
  )
  assert.deepEqual(
    messages.map((m) => [m.fieldPath, m.validationCode]),
    [
      ['events[0].params.engagement_time_msec', 'VALUE_REQUIRED'],
      ['events[1].params.session_id', 'VALUE_REQUIRED'],
      ['events[1].params.engagement_time_msec', 'VALUE_REQUIRED'],
    ],
  )
  for (const m of messages) assert.match(m.description, /needed for GA4 reports/)
})

test('debug: a request without a device, and a device with unknown fields, wrong types or an unknown category', async (t) => {
  const collector = await collectorFor(t)
  const events = [mpEvent('package_import')]
  const codes = (messages: ValidationMessage[]) => messages.map((m) => [m.fieldPath, m.validationCode])
  assert.deepEqual(codes(await validate(collector, { client_id: CID, events })), [['device', 'VALUE_REQUIRED']])
  assert.deepEqual(
    codes(
      await validate(
        collector,
        mpBody(events, { device: { ...DEVICE, category: 'server', user_agent: 'x', model: 7 } }),
      ),
    ),
    [
      ['device.user_agent', 'VALUE_INVALID'],
      ['device.model', 'VALUE_INVALID'],
      ['device.category', 'VALUE_INVALID'],
    ],
  )
})

test('debug: a body that is not JSON, unknown fields and a timestamp in milliseconds', async (t) => {
  const collector = await collectorFor(t)
  const notJson = await post(mpUrl(collector, { debug: true }), 'not json')
  const [parse] = (JSON.parse(notJson.text) as { validationMessages: ValidationMessage[] }).validationMessages
  assert.equal(parse?.validationCode, 'VALUE_INVALID')
  assert.match(parse?.description ?? '', /^Unable to parse Measurement Protocol JSON payload/)
  const messages = await validate(
    collector,
    mpBody([{ ...mpEvent('package_import'), timestamp_micros: Date.now() }], { clientId: CID }),
  )
  assert.deepEqual(
    messages.map((m) => [m.fieldPath, m.validationCode]),
    [
      ['clientId', 'VALUE_INVALID'],
      ['events[0].timestamp_micros', 'VALUE_OUT_OF_BOUNDS'],
    ],
  )
})

// ---------------------------------------------------------------- HTTP

test('CORS preflight is answered 204; other paths 404; a GET on /mp/collect 405; none recorded', async (t) => {
  const collector = await collectorFor(t, { behaviour: 'hang' })
  const preflight = await request(`${collector.url}/mp/collect`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  })
  await preflight.body.dump()
  assert.equal(preflight.statusCode, 204)
  assert.equal(preflight.headers['access-control-allow-origin'], '*')
  assert.match(String(preflight.headers['access-control-allow-methods']), /POST/)
  assert.equal(preflight.headers['access-control-allow-headers'], 'content-type')
  const missing = await post(`${collector.url}/collect`, 'en=x')
  assert.equal(missing.status, 404)
  assert.equal(missing.headers['access-control-allow-origin'], '*')
  const wrongMethod = await request(mpUrl(collector))
  await wrongMethod.body.dump()
  assert.equal(wrongMethod.statusCode, 405)
  assert.equal(collector.requests.length, 0)
})

test('waitForRequests rejects on timeout; clear() forgets what arrived', async (t) => {
  const collector = await collectorFor(t)
  await assert.rejects(collector.waitForRequests(1, 50), /0 of 1 requests arrived within 50 ms/)
  await post(gtagUrl(collector), 'en=one')
  assert.equal(collector.requests.length, 1)
  collector.clear()
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(collector.events(), [])
})

// ---------------------------------------------------------------- behaviours

test('slow: answers after delayMs, but records the request at once', async (t) => {
  const collector = await collectorFor(t)
  collector.setBehaviour('slow', { delayMs: 250 })
  const started = Date.now()
  const answered = post(gtagUrl(collector), 'en=one')
  await collector.waitForRequests(1)
  assert.ok(Date.now() - started < 250, 'recorded before the answer')
  const res = await answered
  assert.equal(res.status, 204)
  assert.ok(Date.now() - started >= 250, `answered after ${Date.now() - started} ms`)
})

test('hang: never answers, but the request is recorded', async (t) => {
  const collector = await collectorFor(t, { behaviour: 'hang' })
  await assert.rejects(post(gtagUrl(collector), 'en=one', { headersTimeout: 300 }), { name: 'HeadersTimeoutError' })
  assert.equal(collector.requests.length, 1)
  assert.deepEqual(collector.requests[0]?.events, [{ name: 'one', params: {} }])
})

test('error500: answers 500, and records the request', async (t) => {
  const collector = await collectorFor(t, { behaviour: 'error500' })
  const res = await post(mpUrl(collector), mpBody([mpEvent('package_import')]))
  assert.equal(res.status, 500)
  assert.equal(res.headers['access-control-allow-origin'], '*')
  assert.equal(collector.requests.length, 1)
})

test('reset: the client sees a connection error, and the request is recorded', async (t) => {
  const collector = await collectorFor(t)
  collector.setBehaviour('reset')
  await assert.rejects(post(gtagUrl(collector), 'en=one'), (error: Error & { code?: string }) => {
    assert.match(`${error.code} ${error.message}`, /ECONNRESET|UND_ERR_SOCKET|other side closed/)
    return true
  })
  assert.equal(collector.requests.length, 1)
  collector.setBehaviour('normal')
  assert.equal((await post(gtagUrl(collector), 'en=two')).status, 204)
})

test('close() returns promptly with a hung connection open', async (t) => {
  const collector = await startCollector({ behaviour: 'hang' })
  const hung = assert.rejects(post(gtagUrl(collector), 'en=one'))
  const waiting = assert.rejects(collector.waitForRequests(2, 10_000), /closed/)
  await collector.waitForRequests(1)
  const started = Date.now()
  await collector.close()
  assert.ok(Date.now() - started < 500, `close() took ${Date.now() - started} ms`)
  await hung
  await waiting
  t.diagnostic(`closed in ${Date.now() - started} ms`)
})
