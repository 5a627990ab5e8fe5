import assert from 'node:assert/strict'
import { test } from 'node:test'
import { carriedDestination, keptEvent, MAX_AGE_MS } from './kept-event.js'

const NOW = 1_800_000_000_000
const valid = {
  measurementId: 'G-TEST1234',
  endpoint: 'https://collector.example',
  packageName: 'some-lib',
  consent: 'opt-out',
  ci: false,
  notice: true,
  time: NOW - 1000,
  event: { name: 'import', params: { package_name: 'some-lib', runtime: 'node', n: 3 } },
  settle: 'not a function',
  extra: 'dropped',
}

test('a valid event is rebuilt from its own fields only, never to show a notice', () => {
  const { settle, extra, ...fields } = valid
  assert.deepEqual(keptEvent(valid, NOW), { ...fields, apiSecret: undefined, notice: false, visit: undefined })
})

test("the session an event was in is kept when it has a visit's fields, and left out otherwise", () => {
  const visit = { sessionId: NOW / 1000, sessionCount: 2, sessionStart: true, firstVisit: false }
  assert.deepEqual(keptEvent({ ...valid, visit: { ...visit, extra: 1 } }, NOW)?.visit, visit)
  for (const wrong of ['first', { ...visit, sessionStart: 'yes' }, { ...visit, sessionId: '1' }, null])
    assert.equal(keptEvent({ ...valid, visit: wrong }, NOW)?.visit, undefined)
})

test('anything that breaks a rule drops the event', () => {
  const broken: Array<[string, unknown]> = [
    ['not an object', 'import'],
    ['no event', { ...valid, event: undefined }],
    ['a malformed measurement id', { ...valid, measurementId: 'UA-1234-1' }],
    ['an endpoint that is not a string', { ...valid, endpoint: 7 }],
    ['an unknown consent', { ...valid, consent: 'maybe' }],
    ['ci not a boolean', { ...valid, ci: 'yes' }],
    ['a time in the future', { ...valid, time: NOW + 1 }],
    ['a time older than 72 hours', { ...valid, time: NOW - MAX_AGE_MS }],
    ['an event name of the wrong form', { ...valid, event: { ...valid.event, name: 'with space' } }],
    ['a reserved prefix', { ...valid, event: { ...valid.event, name: 'ga_import' } }],
    [
      'a 5,000-character value',
      { ...valid, event: { ...valid.event, params: { ...valid.event.params, x: 'x'.repeat(5000) } } },
    ],
    ['an invalid parameter name', { ...valid, event: { ...valid.event, params: { ...valid.event.params, 'a-b': 1 } } }],
    [
      'a value that is neither string nor number',
      { ...valid, event: { ...valid.event, params: { ...valid.event.params, x: {} } } },
    ],
    [
      'more than 25 parameters',
      {
        ...valid,
        event: { ...valid.event, params: Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`p${i}`, i])) },
      },
    ],
    ['a package that its parameters do not name', { ...valid, packageName: 'other-lib' }],
  ]
  for (const [what, value] of broken) assert.equal(keptEvent(value, NOW), undefined, what)
})

test("a kept event's destination must be one the program carries: the same id and secret, its collector or Google's", () => {
  const own = [{ measurementId: 'G-TEST1234', endpoint: 'https://collector.example' }]
  assert.equal(carriedDestination({ measurementId: 'G-TEST1234', endpoint: 'https://collector.example' }, own), true)
  assert.equal(carriedDestination({ measurementId: 'G-TEST1234' }, own), true, "Google's own")
  assert.equal(carriedDestination({ measurementId: 'G-TEST1234', endpoint: 'http://127.0.0.1:1' }, own), false)
  assert.equal(carriedDestination({ measurementId: 'G-EVIL9999', endpoint: 'https://collector.example' }, own), false)
  assert.equal(
    carriedDestination({ measurementId: 'G-TEST1234', apiSecret: 's', endpoint: 'https://collector.example' }, own),
    false,
  )
})
