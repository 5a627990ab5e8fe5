import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildRequest, CARRIED_PROTOCOL, collectUrl, type TimedEvent } from './protocol.js'
import type { Visit } from './types.js'
import type { ClientDescription } from './user-agent.js'

const ID = 'G-TEST1234'
const CLIENT_ID = '0b7c2a9e-3f4d-4c1a-9e2b-5d6f7a8b9c0d'
const SESSION = 1_795_841_604
const TIME = 1_795_841_604_123

/** The third session of the property, which goes on: nothing to announce. */
const GOING_ON: Visit = { sessionId: SESSION, sessionCount: 3, sessionStart: false, firstVisit: false }

const importEvent = (
  packageName: string,
  extra: Record<string, string | number> = {},
  visit: Visit = GOING_ON,
): TimedEvent => ({
  event: { name: 'import', params: { package_name: packageName, package_version: '1.0.0', ...extra } },
  time: TIME,
  visit,
})

const NODE_ON_LINUX: ClientDescription = {
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/113.0.0.0 Safari/537.36 Node.js/20.20.2',
  runtime: 'Node.js',
  version: '20.20.2',
  chrome: 113,
  os: 'Linux',
  osVersion: '',
  arch: 'x64',
}

describe('collectUrl', () => {
  test("Google's origin when no endpoint is set", () => {
    assert.equal(collectUrl({ measurementId: ID }, '/g/collect').href, 'https://www.google-analytics.com/g/collect')
  })

  test("an origin, or a path prefix (a proxy's), gets the protocol's path", () => {
    const at = (endpoint: string) => collectUrl({ measurementId: ID, endpoint }, '/mp/collect').href
    assert.equal(at('https://region1.google-analytics.com'), 'https://region1.google-analytics.com/mp/collect')
    assert.equal(at('http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/mp/collect')
    assert.equal(at('https://proxy.example/ga'), 'https://proxy.example/ga/mp/collect')
    assert.equal(at('https://proxy.example/ga/'), 'https://proxy.example/ga/mp/collect')
  })

  test('an endpoint that already names a .../collect path is used as it is', () => {
    const endpoint = 'https://proxy.example/debug/mp/collect'
    assert.equal(collectUrl({ measurementId: ID, endpoint }, '/g/collect').href, endpoint)
  })
})

describe('buildRequest', () => {
  test('outside a build, the tracker carries both protocols', () => {
    assert.equal(CARRIED_PROTOCOL, 'any')
  })

  test('gtag without an api secret: the shared fields and client hints in the query, one line per event, each with what it announces', () => {
    const first = { ...GOING_ON, sessionCount: 1, sessionStart: true, firstVisit: true }
    const request = buildRequest(
      { measurementId: ID },
      CLIENT_ID,
      [importEvent('left-pad', { build: 7 }, first), importEvent('right-pad')],
      NODE_ON_LINUX,
    )
    const url = new URL(request.url)
    assert.equal(`${url.origin}${url.pathname}`, 'https://www.google-analytics.com/g/collect')
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      v: '2',
      tid: ID,
      cid: CLIENT_ID,
      uaa: 'x86',
      uab: '64',
      uafvl: 'Node.js;20.20.2|Chromium;113.0.0.0',
      uamb: '0',
      uap: 'Linux',
      uapv: '',
      sid: String(SESSION),
      sct: '1',
      seg: '1',
      _s: '1',
    })
    assert.equal(request.contentType, 'text/plain;charset=UTF-8')
    assert.equal(request.userAgent, NODE_ON_LINUX.userAgent)
    assert.deepEqual(
      request.body.split('\n').map((line) => [...new URLSearchParams(line)]),
      [
        [
          ['en', 'import'],
          ['_fv', '1'],
          ['_ss', '1'],
          ['_et', '1'],
          ['ep.package_name', 'left-pad'],
          ['ep.package_version', '1.0.0'],
          ['epn.build', '7'],
        ],
        [
          ['en', 'import'],
          ['_et', '1'],
          ['ep.package_name', 'right-pad'],
          ['ep.package_version', '1.0.0'],
        ],
      ],
    )
  })

  test('gtag from a browser: no client description of its own, the session still in the query', () => {
    const request = buildRequest({ measurementId: ID }, CLIENT_ID, [importEvent('left-pad')])
    const url = new URL(request.url)
    assert.deepEqual([...url.searchParams.keys()], ['v', 'tid', 'cid', 'sid', 'sct', 'seg', '_s'])
    assert.equal(url.searchParams.get('sct'), '3')
    assert.equal(request.userAgent, undefined)
  })

  test('gtag: values are URL-encoded, so no value can start a field or a line of its own', () => {
    const request = buildRequest({ measurementId: ID }, CLIENT_ID, [
      importEvent('@scope/lib', { note: 'a&b=c\nen=forged' }),
    ])
    assert.equal(request.body.split('\n').length, 1)
    assert.equal(new URLSearchParams(request.body).get('ep.package_name'), '@scope/lib')
    assert.equal(new URLSearchParams(request.body).get('ep.note'), 'a&b=c\nen=forged')
    assert.deepEqual(new URLSearchParams(request.body).getAll('en'), ['import'])
  })

  test('the Measurement Protocol with an api secret: JSON, with what GA4 reports need', () => {
    const request = buildRequest(
      { measurementId: ID, apiSecret: 's3cret', endpoint: 'http://127.0.0.1:9' },
      CLIENT_ID,
      [importEvent('left-pad', { build: 7 }), importEvent('right-pad')],
      NODE_ON_LINUX,
    )
    const url = new URL(request.url)
    assert.equal(`${url.origin}${url.pathname}`, 'http://127.0.0.1:9/mp/collect')
    assert.deepEqual(Object.fromEntries(url.searchParams), { measurement_id: ID, api_secret: 's3cret' })
    assert.equal(request.contentType, 'application/json')
    const reporting = { session_id: String(SESSION), engagement_time_msec: 1 }
    assert.equal(request.userAgent, NODE_ON_LINUX.userAgent)
    // No _fv or _ss: GA4 reserves them here. The device instead of a user agent and client hints.
    assert.deepEqual(JSON.parse(request.body), {
      client_id: CLIENT_ID,
      device: {
        category: 'desktop',
        operating_system: 'Linux',
        operating_system_version: '',
        browser: 'Node.js',
        browser_version: '20.20.2',
      },
      events: [
        {
          name: 'import',
          params: { package_name: 'left-pad', package_version: '1.0.0', build: 7, ...reporting },
          timestamp_micros: TIME * 1000,
        },
        {
          name: 'import',
          params: { package_name: 'right-pad', package_version: '1.0.0', ...reporting },
          timestamp_micros: TIME * 1000,
        },
      ],
    })
  })

  test("an event's time and params are its own: the input is not changed", () => {
    const event = importEvent('left-pad')
    const before = structuredClone(event)
    buildRequest({ measurementId: ID, apiSecret: 's' }, CLIENT_ID, [event], NODE_ON_LINUX)
    buildRequest({ measurementId: ID }, CLIENT_ID, [event], NODE_ON_LINUX)
    assert.deepEqual(event, before)
  })
})
