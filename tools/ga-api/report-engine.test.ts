import assert from 'node:assert/strict'
import { test } from 'node:test'
import { GoogleError } from './google-errors.js'
import { type ReportSource, type RunReportRequest, runReport, type StoredEvent } from './report-engine.js'

const NOW = new Date('2025-06-15T12:00:00Z')

function event(time: string, clientId: string, params: Record<string, string>, name = 'import'): StoredEvent {
  return { time: Date.parse(time), name, clientId, params }
}

const EVENTS: StoredEvent[] = [
  event('2025-06-13T10:00:00Z', 'a', { package_version: '1.0.0', runtime: 'node' }),
  event('2025-06-14T10:00:00Z', 'a', { package_version: '1.1.0', runtime: 'node' }),
  event('2025-06-14T11:00:00Z', 'a', { package_version: '1.1.0', runtime: 'node' }),
  event('2025-06-14T23:30:00Z', 'b', { package_version: '1.1.0', runtime: 'bun' }),
  event('2025-06-15T09:00:00Z', 'c', { runtime: 'deno' }),
  event('2025-06-15T09:00:00Z', 'c', { package_version: '1.1.0' }, 'page_view'),
]

const SOURCE: ReportSource = {
  events: EVENTS,
  timeZone: 'Etc/UTC',
  eventParameters: new Set(['package_version', 'runtime']),
  now: NOW,
}

function rows(request: RunReportRequest, source = SOURCE): string[][] {
  const response = runReport(request, source)
  return (response.rows ?? []).map((row) => [
    ...row.dimensionValues.map((value) => value.value),
    ...row.metricValues.map((value) => value.value),
  ])
}

function refusal(request: RunReportRequest): GoogleError {
  try {
    runReport(request, SOURCE)
  } catch (error) {
    assert.ok(error instanceof GoogleError)
    return error
  }
  assert.fail('the request was accepted')
}

const LAST_3_DAYS = [{ startDate: '2daysAgo', endDate: 'today' }]
const ONLY_IMPORTS = { filter: { fieldName: 'eventName', stringFilter: { value: 'import' } } }

test('eventCount counts events, activeUsers distinct client ids, per dimension value', () => {
  const request: RunReportRequest = {
    dimensions: [{ name: 'customEvent:package_version' }],
    metrics: [{ name: 'eventCount' }, { name: 'activeUsers' }],
    dateRanges: LAST_3_DAYS,
    dimensionFilter: ONLY_IMPORTS,
  }
  assert.deepEqual(rows(request), [
    ['1.1.0', '3', '2'],
    ['1.0.0', '1', '1'],
    ['(not set)', '1', '1'],
  ])
})

test("dates are the property's: 23:30 UTC is the next day in Berlin", () => {
  const request: RunReportRequest = {
    dimensions: [{ name: 'date' }],
    metrics: [{ name: 'eventCount' }],
    dateRanges: LAST_3_DAYS,
    dimensionFilter: ONLY_IMPORTS,
    orderBys: [{ dimension: { dimensionName: 'date' } }],
  }
  assert.deepEqual(rows(request), [
    ['20250613', '1'],
    ['20250614', '3'],
    ['20250615', '1'],
  ])
  assert.deepEqual(rows(request, { ...SOURCE, timeZone: 'Europe/Berlin' }), [
    ['20250613', '1'],
    ['20250614', '2'],
    ['20250615', '2'],
  ])
})

test('the date range is inclusive, relative to today', () => {
  const today = rows({ metrics: [{ name: 'eventCount' }], dateRanges: [{ startDate: 'today', endDate: 'today' }] })
  assert.deepEqual(today, [['2']])
  const yesterday = rows({
    metrics: [{ name: 'eventCount' }],
    dateRanges: [{ startDate: 'yesterday', endDate: 'yesterday' }],
  })
  assert.deepEqual(yesterday, [['3']])
})

test('ISO weeks, and filters that combine', () => {
  const request: RunReportRequest = {
    dimensions: [{ name: 'isoYearIsoWeek' }],
    metrics: [{ name: 'totalUsers' }],
    dateRanges: LAST_3_DAYS,
    dimensionFilter: {
      andGroup: {
        expressions: [
          ONLY_IMPORTS,
          {
            notExpression: { filter: { fieldName: 'customEvent:runtime', inListFilter: { values: ['BUN', 'deno'] } } },
          },
        ],
      },
    },
  }
  assert.deepEqual(rows(request), [['202524', '1']])
})

test('a parameter without an event-scoped custom dimension is not a valid dimension, as in GA4', () => {
  const error = refusal({
    dimensions: [{ name: 'customEvent:os' }],
    metrics: [{ name: 'eventCount' }],
    dateRanges: LAST_3_DAYS,
  })
  assert.equal(error.code, 400)
  assert.equal(error.status, 'INVALID_ARGUMENT')
  assert.match(error.message, /^Field customEvent:os is not a valid dimension/)
  assert.match(
    refusal({ metrics: [{ name: 'downloads' }], dateRanges: LAST_3_DAYS }).message,
    /downloads is not a valid metric/,
  )
  assert.match(refusal({ metrics: [{ name: 'eventCount' }] }).message, /one date range/)
})

test('limit and offset page through the rows; rowCount counts them all; no rows, no rows field', () => {
  const request: RunReportRequest = {
    dimensions: [{ name: 'customEvent:runtime' }],
    metrics: [{ name: 'eventCount' }],
    dateRanges: LAST_3_DAYS,
    orderBys: [{ dimension: { dimensionName: 'customEvent:runtime' } }],
    limit: '1',
    offset: '1',
  }
  const response = runReport(request, SOURCE)
  assert.equal(response.rowCount, 4)
  assert.deepEqual(response.rows?.[0]?.dimensionValues, [{ value: 'bun' }])
  const empty = runReport(
    { metrics: [{ name: 'eventCount' }], dateRanges: [{ startDate: '2020-01-01', endDate: '2020-01-02' }] },
    SOURCE,
  )
  assert.equal(empty.rows, undefined)
  assert.equal(empty.rowCount, undefined)
  assert.deepEqual(empty.metadata, { currencyCode: 'USD', timeZone: 'Etc/UTC' })
})
