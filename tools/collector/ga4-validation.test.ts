import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  checkClientId,
  checkEventCount,
  checkEventName,
  checkMeasurementId,
  checkParams,
  checkReportingParams,
  checkTimestamp,
  checkUserAgent,
  createSessionLedger,
  type GtagLine,
  LIMITS,
  RESERVED_EVENT_NAMES,
  type ValidationMessage,
  validateGtag,
  validateMp,
} from './ga4-validation.js'

const TID = 'G-TEST1234'
const CID = '0b7c2a9e-3f4d-4c1a-9e2b-5d6f7a8b9c0d'
const NOW = 1_795_841_604_000
const REPORTING = { session_id: '1795841604', engagement_time_msec: 1 }
/** What the tracker says of the device on the Measurement Protocol. */
const DEVICE = { category: 'desktop', operating_system: 'Linux', browser: 'Node.js', browser_version: '20.20.2' }

/** Each message as "fieldPath validationCode", the shape a failing assertion shows best. */
const codes = (messages: ValidationMessage[]) => messages.map((m) => `${m.fieldPath} ${m.validationCode}`)

describe('checkEventName', () => {
  test('names GA4 takes', () => {
    for (const name of ['import', 'Library_loaded', 'a', 'e'.repeat(40)]) assert.deepEqual(checkEventName(name, 0), [])
  })

  test("Google's wording, with the index and the name", () => {
    assert.deepEqual(checkEventName('_badEventName', 3), [
      {
        fieldPath: 'events[3].name',
        validationCode: 'NAME_INVALID',
        description:
          'Event at index: [3] has invalid name [_badEventName]. Names must start with an alphabetic character.',
      },
    ])
  })

  test('each rule, with its code', () => {
    assert.deepEqual(codes(checkEventName(undefined, 0)), ['events[0].name VALUE_REQUIRED'])
    assert.deepEqual(codes(checkEventName('', 0)), ['events[0].name VALUE_REQUIRED'])
    assert.deepEqual(codes(checkEventName(5, 0)), ['events[0].name VALUE_INVALID'])
    assert.deepEqual(codes(checkEventName('lib-import', 0)), ['events[0].name NAME_INVALID'])
    assert.deepEqual(codes(checkEventName('e'.repeat(41), 0)), ['events[0].name NAME_INVALID'])
    assert.deepEqual(codes(checkEventName('ga_import', 0)), ['events[0].name NAME_RESERVED'])
    assert.deepEqual(codes(checkEventName('gtag.import', 0)), ['events[0].name NAME_INVALID'], 'the dot comes first')
    assert.deepEqual(codes(checkEventName('session_start', 1)), ['events[1].name NAME_RESERVED'])
  })

  test('every reserved name is refused', () => {
    for (const name of RESERVED_EVENT_NAMES) assert.equal(checkEventName(name, 0).length, 1, name)
  })
})

describe('checkParams', () => {
  test('no params, or valid ones', () => {
    assert.deepEqual(checkParams(undefined, 0), [])
    assert.deepEqual(checkParams({ package_name: 'lib', count: 3, ratio: 0.5 }, 0), [])
  })

  test('params that are not an object', () => {
    assert.deepEqual(codes(checkParams([1], 2)), ['events[2].params VALUE_INVALID'])
    assert.deepEqual(codes(checkParams('x', 0)), ['events[0].params VALUE_INVALID'])
  })

  test('one message per bad param, each at its own path', () => {
    assert.deepEqual(
      codes(checkParams({ 'a-b': 'x', _private: 'x', flag: true, inf: Infinity, long: 'v'.repeat(101), ok: 'x' }, 0)),
      [
        'events[0].params.a-b NAME_INVALID',
        'events[0].params._private NAME_INVALID',
        'events[0].params.flag VALUE_INVALID',
        'events[0].params.inf VALUE_INVALID',
        'events[0].params.long VALUE_OUT_OF_BOUNDS',
      ],
    )
    assert.deepEqual(codes(checkParams({ firebase_x: 'x' }, 0)), ['events[0].params.firebase_x NAME_RESERVED'])
  })

  test('lengths count characters, not UTF-16 units; the page fields may be longer', () => {
    assert.deepEqual(checkParams({ note: '😀'.repeat(100) }, 0), [], '100 characters, 200 UTF-16 units')
    assert.deepEqual(checkParams({ page_location: 'v'.repeat(1000), page_title: 'v'.repeat(300) }, 0), [])
    assert.deepEqual(codes(checkParams({ page_referrer: 'v'.repeat(421) }, 0)), [
      'events[0].params.page_referrer VALUE_OUT_OF_BOUNDS',
    ])
  })

  test(`more than ${LIMITS.paramsPerEvent} params`, () => {
    const params = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i]))
    assert.deepEqual(checkParams(params, 0), [
      {
        fieldPath: 'events[0].params',
        validationCode: 'EXCEEDED_MAX_ENTITIES',
        description: 'Event at index: [0] has [26] parameters. An event can have at most 25 parameters.',
      },
    ])
  })
})

describe('checkEventCount', () => {
  test('1 to 25 events', () => {
    assert.deepEqual(checkEventCount(1), [])
    assert.deepEqual(checkEventCount(25), [])
    assert.deepEqual(codes(checkEventCount(0)), ['events VALUE_REQUIRED'])
    assert.deepEqual(codes(checkEventCount(26)), ['events EXCEEDED_MAX_ENTITIES'])
  })
})

describe('checkReportingParams', () => {
  test('session_id and engagement_time_msec >= 1: what GA4 reports need', () => {
    assert.deepEqual(checkReportingParams({ name: 'import', params: REPORTING }, 0), [])
    assert.deepEqual(
      checkReportingParams({ name: 'import', params: { ...REPORTING, engagement_time_msec: '5' } }, 0),
      [],
    )
  })

  test('each missing or too small', () => {
    assert.deepEqual(codes(checkReportingParams({ name: 'import', params: {} }, 0)), [
      'events[0].params.session_id VALUE_REQUIRED',
      'events[0].params.engagement_time_msec VALUE_REQUIRED',
    ])
    assert.deepEqual(codes(checkReportingParams({ name: 'import', params: undefined }, 4)), [
      'events[4].params.session_id VALUE_REQUIRED',
      'events[4].params.engagement_time_msec VALUE_REQUIRED',
    ])
    for (const engagement_time_msec of [0, 0.5, 'x', -1]) {
      const params = { session_id: '1', engagement_time_msec }
      assert.deepEqual(codes(checkReportingParams({ name: 'import', params }, 0)), [
        'events[0].params.engagement_time_msec VALUE_REQUIRED',
      ])
    }
  })
})

describe('checkTimestamp', () => {
  const micros = (ms: number) => ms * 1000

  test('absent, now, 72 hours old, or a little ahead (clock skew)', () => {
    for (const value of [undefined, micros(NOW), micros(NOW) - LIMITS.maxAgeMicros, micros(NOW + 60_000)]) {
      assert.deepEqual(checkTimestamp(value, 'timestamp_micros', NOW), [], String(value))
    }
  })

  test('not a non-negative integer', () => {
    for (const value of ['1795841604000000', 1.5, -1, null]) {
      assert.deepEqual(codes(checkTimestamp(value, 'timestamp_micros', NOW)), ['timestamp_micros VALUE_INVALID'])
    }
  })

  test('older than 72 hours, too far ahead, or in milliseconds', () => {
    for (const value of [micros(NOW) - LIMITS.maxAgeMicros - 1, micros(NOW + 3_600_000), NOW]) {
      assert.deepEqual(codes(checkTimestamp(value, 'events[0].timestamp_micros', NOW)), [
        'events[0].timestamp_micros VALUE_OUT_OF_BOUNDS',
      ])
    }
  })
})

describe('checkMeasurementId and checkClientId', () => {
  test('a GA4 measurement id', () => {
    assert.deepEqual(checkMeasurementId(TID, 'tid'), [])
    assert.deepEqual(codes(checkMeasurementId(undefined, 'tid')), ['tid VALUE_REQUIRED'])
    assert.deepEqual(codes(checkMeasurementId('', 'measurement_id')), ['measurement_id VALUE_REQUIRED'])
    assert.deepEqual(codes(checkMeasurementId('g-test', 'tid')), ['tid VALUE_INVALID'])
    assert.match(checkMeasurementId('UA-1234-1', 'tid')[0]!.description, /Universal Analytics/)
  })

  test('a client id: present, a string, a UUID v4', () => {
    assert.deepEqual(checkClientId(CID, 'cid'), [])
    assert.deepEqual(checkClientId(CID.toUpperCase(), 'cid'), [], 'any case')
    assert.deepEqual(codes(checkClientId(undefined, 'cid')), ['cid VALUE_REQUIRED'])
    assert.deepEqual(codes(checkClientId(123, 'client_id')), ['client_id VALUE_INVALID'])
    assert.deepEqual(codes(checkClientId('1234567.89', 'cid')), ['cid VALUE_INVALID'])
  })
})

describe('validateMp', () => {
  const query = { measurement_id: TID, api_secret: 'secret' }
  const event = (name = 'import', params: Record<string, unknown> = {}) => ({
    name,
    params: { ...REPORTING, ...params },
  })

  test('a request as the tracker sends it: nothing to say', () => {
    const payload = {
      client_id: CID,
      device: DEVICE,
      events: [{ ...event(), timestamp_micros: NOW * 1000 }, event('other')],
    }
    assert.deepEqual(validateMp({ query, payload, now: NOW }), [])
  })

  test('the query: a measurement id and an api secret', () => {
    const payload = { client_id: CID, device: DEVICE, events: [event()] }
    assert.deepEqual(codes(validateMp({ query: {}, payload, now: NOW })), [
      'measurement_id VALUE_REQUIRED',
      'api_secret VALUE_REQUIRED',
    ])
  })

  test('a body that is not JSON, or not an object', () => {
    assert.deepEqual(codes(validateMp({ query, payload: undefined, parseError: 'Unexpected end', now: NOW })), [
      ' VALUE_INVALID',
    ])
    assert.deepEqual(codes(validateMp({ query, payload: [1], now: NOW })), [' VALUE_INVALID'])
  })

  test('fields Google does not know, at the top and in an event', () => {
    const payload = { client_id: CID, device: DEVICE, user_ip: '1.2.3.4', events: [{ ...event(), label: 'x' }] }
    assert.deepEqual(codes(validateMp({ query, payload, now: NOW })), [
      'user_ip VALUE_INVALID',
      'events[0].label VALUE_INVALID',
    ])
  })

  test('events: an array of 1 to 25 objects, each checked by index', () => {
    const base = { client_id: CID, device: DEVICE }
    assert.deepEqual(codes(validateMp({ query, payload: base, now: NOW })), ['events VALUE_REQUIRED'])
    assert.deepEqual(codes(validateMp({ query, payload: { ...base, events: {} }, now: NOW })), ['events VALUE_INVALID'])
    const payload = { ...base, events: [event(), 'x', event('bad-name', { engagement_time_msec: 0 })] }
    assert.deepEqual(codes(validateMp({ query, payload, now: NOW })), [
      'events[1] VALUE_INVALID',
      'events[2].name NAME_INVALID',
      'events[2].params.engagement_time_msec VALUE_REQUIRED',
    ])
  })

  test('a device, as Google documents it: required here, for GA4 to fill its device reports', () => {
    const events = [event()]
    assert.deepEqual(codes(validateMp({ query, payload: { client_id: CID, events }, now: NOW })), [
      'device VALUE_REQUIRED',
    ])
    const device = { ...DEVICE, category: 'server', user_agent: 'x', brand: 1 }
    assert.deepEqual(codes(validateMp({ query, payload: { client_id: CID, device, events }, now: NOW })), [
      'device.user_agent VALUE_INVALID',
      'device.brand VALUE_INVALID',
      'device.category VALUE_INVALID',
    ])
  })
})

describe('validateGtag', () => {
  const hints = {
    uaa: 'x86',
    uab: '64',
    uafvl: 'Node.js;20.20.2|Chromium;113.0.0.0',
    uamb: '0',
    uap: 'Linux',
    uapv: '',
  }
  const query = { v: '2', tid: TID, cid: CID, ...hints, sid: '1795841604', sct: '1' }
  const headers = {
    'user-agent':
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/113.0.0.0 Safari/537.36 Node.js/20.20.2',
  }
  const line = (...pairs: Array<[string, string]>): GtagLine => pairs

  test('a request as the tracker sends it: nothing to say', () => {
    const lines = [line(['en', 'import'], ['ep.package_name', 'lib'], ['epn.count', '3'])]
    const events = [{ name: 'import', params: { package_name: 'lib', count: 3 } }]
    assert.deepEqual(validateGtag({ query, lines, events, headers }), [])
  })

  test('the query: v=2, a measurement id, a client id, a session id in seconds, a session number', () => {
    const events = [{ name: 'import', params: {} }]
    const lines = [line(['en', 'import'])]
    assert.deepEqual(codes(validateGtag({ query: { ...hints }, lines, events, headers })), [
      'v VALUE_REQUIRED',
      'tid VALUE_REQUIRED',
      'cid VALUE_REQUIRED',
      'sid VALUE_REQUIRED',
      'sct VALUE_REQUIRED',
    ])
    assert.deepEqual(
      codes(validateGtag({ query: { ...query, v: '1', sid: 'now', sct: '0' }, lines, events, headers })),
      ['v VALUE_INVALID', 'sid VALUE_INVALID', 'sct VALUE_INVALID'],
    )
  })

  test('a line without en, a param given twice (ep. and epn. name the same param)', () => {
    const lines = [line(['_et', '1']), line(['en', 'import'], ['ep.count', '1'], ['epn.count', '1'])]
    const events = [
      { name: undefined, params: {} },
      { name: 'import', params: { count: 1 } },
    ]
    assert.deepEqual(codes(validateGtag({ query, lines, events, headers })), [
      'events[0].name VALUE_REQUIRED',
      'events[1].params.count NAME_DUPLICATED',
    ])
  })

  test('names and params by the rules of every event', () => {
    const lines = [line(['en', 'first_visit'], ['ep.a-b', 'x'])]
    const events = [{ name: 'first_visit', params: { 'a-b': 'x' } }]
    assert.deepEqual(codes(validateGtag({ query, lines, events, headers })), [
      'events[0].name NAME_RESERVED',
      'events[0].params.a-b NAME_INVALID',
    ])
  })

  test('no event at all', () => {
    assert.deepEqual(codes(validateGtag({ query, lines: [], events: [], headers })), ['events VALUE_REQUIRED'])
  })
})

describe('checkUserAgent', () => {
  const chrome =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
  const hints = { uaa: 'arm', uab: '64', uafvl: 'Chromium;124.0.0.0', uamb: '0', uap: 'macOS', uapv: '14' }

  test("a browser's user agent with its hints, or a browser without hints to give", () => {
    assert.deepEqual(checkUserAgent({ 'user-agent': chrome }, hints), [])
    assert.deepEqual(checkUserAgent({ 'user-agent': 'Mozilla/5.0 (Macintosh) Gecko/20100101 Firefox/128.0' }, {}), [])
  })

  test("no user agent, a program's, or a Chromium one without hints", () => {
    assert.deepEqual(codes(checkUserAgent({}, hints)), ['user-agent VALUE_REQUIRED'])
    assert.deepEqual(codes(checkUserAgent({ 'user-agent': 'node-fetch/1.0' }, hints)), ['user-agent VALUE_INVALID'])
    assert.deepEqual(codes(checkUserAgent({ 'user-agent': chrome }, { uap: 'macOS' })), [
      'uaa VALUE_REQUIRED',
      'uab VALUE_REQUIRED',
      'uafvl VALUE_REQUIRED',
      'uamb VALUE_REQUIRED',
      'uapv VALUE_REQUIRED',
    ])
  })

  test('hints that contradict the user agent, and an OS version with a build in it', () => {
    assert.deepEqual(codes(checkUserAgent({ 'user-agent': chrome }, { ...hints, uap: 'Windows', uapv: '23.4.0-x' })), [
      'uapv VALUE_INVALID',
      'uap VALUE_INVALID',
    ])
  })
})

describe('createSessionLedger', () => {
  const hit = (sid: string, sct: string, ...marks: Array<[boolean, boolean]>) => ({
    measurementId: TID,
    clientId: CID,
    sid,
    sct,
    marks: marks.map(([firstVisit, sessionStart]) => ({ firstVisit, sessionStart })),
  })

  test('requests of two sessions, in any order: nothing to say', () => {
    for (const order of [
      [hit('100', '1', [true, true]), hit('100', '1', [false, false]), hit('200', '2', [false, true])],
      [hit('200', '2', [false, true]), hit('100', '1', [false, false]), hit('100', '1', [true, true])],
    ]) {
      const ledger = createSessionLedger()
      assert.deepEqual(order.flatMap(ledger), [])
    }
  })

  test('what GA4 would count twice or number apart', () => {
    const ledger = createSessionLedger()
    assert.deepEqual(codes(ledger(hit('100', '1', [true, true], [true, true]))), [
      'events[1]._fv VALUE_INVALID',
      'events[1]._ss VALUE_INVALID',
    ])
    assert.deepEqual(codes(ledger(hit('100', '2', [false, false]))), ['sct VALUE_INVALID'])
    assert.deepEqual(codes(ledger(hit('300', '1', [false, true]))), ['sct VALUE_INVALID'])
  })
})
