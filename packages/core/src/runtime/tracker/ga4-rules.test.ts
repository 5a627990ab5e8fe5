import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  clip,
  eventNameProblem,
  MAX_PARAMS,
  MEASUREMENT_ID,
  paramsProblem,
  RESERVED_EVENT_NAMES,
  TRACKER_PARAMS,
} from './ga4-rules.js'

describe('MEASUREMENT_ID', () => {
  test('G- and 4 to 20 capital letters or digits', () => {
    for (const id of ['G-TEST', 'G-ABCD1234EF', `G-${'9'.repeat(20)}`]) assert.match(id, MEASUREMENT_ID)
    for (const id of ['G-', 'G-ABC', `G-${'9'.repeat(21)}`, 'g-ABCD1234', 'G-abcd1234', 'UA-1234-1', ' G-ABCD1234']) {
      assert.doesNotMatch(id, MEASUREMENT_ID)
    }
  })
})

describe('eventNameProblem', () => {
  test('a name GA4 takes: no problem', () => {
    for (const name of ['import', 'Import', 'library_loaded', 'a', 'x9', 'e'.repeat(40)]) {
      assert.equal(eventNameProblem(name), '', name)
    }
  })

  test('each rule, with the name in the message', () => {
    assert.equal(eventNameProblem(undefined), 'the event name must be a non-empty string')
    assert.equal(eventNameProblem(''), 'the event name must be a non-empty string')
    assert.equal(eventNameProblem(7), 'the event name must be a non-empty string')
    assert.equal(eventNameProblem('e'.repeat(41)), `the event name "${'e'.repeat(41)}" is longer than 40 characters`)
    assert.equal(eventNameProblem('gtag.x'), 'the event name "gtag.x" starts with "gtag.", which GA4 reserves')
    assert.equal(
      eventNameProblem('9lives'),
      'the event name "9lives" may hold only letters, digits and "_", and must start with a letter',
    )
    assert.equal(
      eventNameProblem('café'),
      'the event name "café" may hold only letters, digits and "_", and must start with a letter',
    )
    assert.equal(eventNameProblem('first_visit'), 'the event name "first_visit" is reserved by GA4')
  })

  test('every reserved prefix', () => {
    for (const prefix of ['_', 'firebase_', 'ga_', 'google_']) {
      assert.equal(
        eventNameProblem(`${prefix}x`),
        `the event name "${prefix}x" starts with "${prefix}", which GA4 reserves`,
      )
    }
  })

  test('every reserved event name, and only exact matches', () => {
    for (const name of RESERVED_EVENT_NAMES) assert.match(eventNameProblem(name), /reserve/, name)
    assert.equal(eventNameProblem('errors'), '')
    assert.equal(eventNameProblem('Error'), '')
  })
})

describe('paramsProblem', () => {
  test('no params, or names and values GA4 takes: no problem', () => {
    assert.equal(paramsProblem(undefined), '')
    assert.equal(paramsProblem({}), '')
    assert.equal(paramsProblem({ channel: 'beta', build: 7, ratio: -0.5, empty: '', long: 'v'.repeat(100) }), '')
  })

  test('not an object', () => {
    for (const params of [null, 'x', 3, ['a']]) {
      assert.equal(paramsProblem(params), 'params must be an object of names to strings or numbers', String(params))
    }
  })

  test('names follow the rules of event names', () => {
    assert.equal(paramsProblem({ '': 'x' }), 'the param name must be a non-empty string')
    assert.equal(
      paramsProblem({ ['p'.repeat(41)]: 'x' }),
      `the param name "${'p'.repeat(41)}" is longer than 40 characters`,
    )
    assert.equal(
      paramsProblem({ google_x: 'x' }),
      'the param name "google_x" starts with "google_", which GA4 reserves',
    )
    assert.equal(
      paramsProblem({ 'a-b': 'x' }),
      'the param name "a-b" may hold only letters, digits and "_", and must start with a letter',
    )
  })

  test('values: a string of at most 100 characters, or a finite number', () => {
    assert.equal(paramsProblem({ flag: true }), 'the param "flag" must be a string or a finite number')
    assert.equal(paramsProblem({ list: [1] }), 'the param "list" must be a string or a finite number')
    assert.equal(paramsProblem({ none: null }), 'the param "none" must be a string or a finite number')
    assert.equal(paramsProblem({ big: Infinity }), 'the param "big" must be a string or a finite number')
    assert.equal(paramsProblem({ nan: Number.NaN }), 'the param "nan" must be a string or a finite number')
    assert.equal(paramsProblem({ long: 'v'.repeat(101) }), 'the param "long" is longer than 100 characters')
  })

  test('the names reserved for the caller', () => {
    assert.equal(paramsProblem({ os: 'linux' }, TRACKER_PARAMS), 'the param "os" is set by the tracker itself')
    assert.equal(paramsProblem({ os: 'linux' }), '', 'reserved only when the caller says so')
  })

  test(`at most ${MAX_PARAMS} params, counting the reserved ones`, () => {
    const params = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, i]))
    assert.equal(paramsProblem(params(MAX_PARAMS)), '')
    assert.equal(
      paramsProblem(params(MAX_PARAMS + 1)),
      'there are 26 params, but GA4 takes at most 25 per event and the tracker adds 0 of its own: keep 25 or fewer',
    )
    const room = MAX_PARAMS - TRACKER_PARAMS.length
    assert.equal(paramsProblem(params(room), TRACKER_PARAMS), '')
    assert.equal(
      paramsProblem(params(room + 1), TRACKER_PARAMS),
      `there are ${room + 1} params, but GA4 takes at most 25 per event and the tracker adds ${TRACKER_PARAMS.length} of its own: keep ${room} or fewer`,
    )
  })
})

describe('clip', () => {
  test('cuts to 100 characters, and leaves shorter values alone', () => {
    assert.equal(clip('v'.repeat(150)), 'v'.repeat(100))
    assert.equal(clip('v'.repeat(100)), 'v'.repeat(100))
    assert.equal(clip(''), '')
  })
})
