import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RunReportResponse } from './data-api.js'
import { DIMENSIONS } from './report-queries.js'
import { assembleReport, compareVersions, type ReportScope } from './usage-report.js'

/** A Data API answer: rows of dimension values, then eventCount and activeUsers. */
function answer(dimensions: string[], rows: Array<[...string[], number, number]>, timeZone = 'UTC'): RunReportResponse {
  return {
    dimensionHeaders: dimensions.map((name) => ({ name })),
    metricHeaders: [
      { name: 'eventCount', type: 'TYPE_INTEGER' },
      { name: 'activeUsers', type: 'TYPE_INTEGER' },
    ],
    ...(rows.length > 0
      ? {
          rows: rows.map((row) => ({
            dimensionValues: row.slice(0, dimensions.length).map((value) => ({ value: String(value) })),
            metricValues: row.slice(dimensions.length).map((value) => ({ value: String(value) })),
          })),
          rowCount: rows.length,
        }
      : {}),
    metadata: { timeZone },
    kind: 'analyticsData#runReport',
  }
}

const SCOPE: ReportScope = { property: '1', event: 'import', span: { days: 4 }, interval: 'day' }
const NOW = new Date('2025-06-15T12:00:00Z')

test('days without events are zeros, and every period is there, oldest first', () => {
  const report = assembleReport(
    SCOPE,
    {
      totals: answer([], [[30, 7]]),
      timeline: answer(
        ['date'],
        [
          ['20250615', 20, 5],
          ['20250612', 10, 3],
        ],
      ),
    },
    NOW,
  )
  assert.deepEqual(report.periods, ['2025-06-12', '2025-06-13', '2025-06-14', '2025-06-15'])
  assert.deepEqual(
    report.timeline.map((counts) => counts.imports),
    [10, 0, 0, 20],
  )
  assert.deepEqual(report.totals, { imports: 30, users: 7 })
  assert.equal(report.start, '2025-06-12')
  assert.equal(report.end, '2025-06-15')
})

test("the days are the property's: its time zone decides what today is", () => {
  const report = assembleReport(
    SCOPE,
    { totals: answer([], [], 'Pacific/Kiritimati') },
    new Date('2025-06-15T20:00:00Z'),
  )
  assert.equal(report.end, '2025-06-16')
  assert.equal(report.timeZone, 'Pacific/Kiritimati')
})

test('weeks are keyed by their Monday', () => {
  const report = assembleReport(
    { ...SCOPE, span: { days: 14 }, interval: 'week' },
    { timeline: answer(['isoYearIsoWeek'], [['202524', 5, 2]]) },
    NOW,
  )
  assert.deepEqual(report.periods, ['2025-06-02', '2025-06-09'])
  assert.deepEqual(
    report.timeline.map((counts) => counts.imports),
    [0, 5],
  )
})

test('versions newest first by semantic version, each with its own trend', () => {
  const report = assembleReport(
    SCOPE,
    {
      versions: answer(
        [DIMENSIONS.version],
        [
          ['1.9.0', 50, 9],
          ['1.10.0', 20, 4],
          ['(not set)', 5, 1],
          ['2.0.0-beta.1', 3, 1],
        ],
      ),
      versionTimeline: answer(
        ['date', DIMENSIONS.version],
        [
          ['20250614', '1.10.0', 8, 2],
          ['20250615', '1.10.0', 12, 3],
        ],
      ),
    },
    NOW,
  )
  assert.deepEqual(
    report.versions.map((version) => version.name),
    ['2.0.0-beta.1', '1.10.0', '1.9.0', '(not set)'],
  )
  assert.deepEqual(report.versions[1]!.timeline, [0, 0, 8, 12])
})

test('runtimes by major version, systems and CI by readable names, most imports first', () => {
  const report = assembleReport(
    SCOPE,
    {
      runtimes: answer(
        [DIMENSIONS.runtime, DIMENSIONS.runtimeVersion],
        [
          ['node', '22.12.0', 10, 3],
          ['node', '22.3.0', 5, 2],
          ['bun', '1.2.4', 30, 4],
        ],
      ),
      os: answer(
        [DIMENSIONS.os],
        [
          ['darwin', 4, 1],
          ['win32', 9, 2],
        ],
      ),
      ci: answer(
        [DIMENSIONS.ci],
        [
          ['true', 4, 4],
          ['false', 6, 2],
        ],
      ),
    },
    NOW,
  )
  assert.deepEqual(report.runtimes, [
    { name: 'bun 1', imports: 30, users: 4 },
    { name: 'node 22', imports: 15, users: 5 },
  ])
  assert.deepEqual(
    report.os.map((os) => os.name),
    ['Windows', 'macOS'],
  )
  assert.deepEqual(
    report.ci.map((ci) => ci.name),
    ['not CI', 'CI'],
  )
})

test('packages only when the report covers every package', () => {
  const packages = answer([DIMENSIONS.packageName], [['a', 1, 1]])
  assert.deepEqual(assembleReport(SCOPE, { packages }, NOW).packages, [{ name: 'a', imports: 1, users: 1 }])
  assert.equal(assembleReport({ ...SCOPE, packageName: 'a' }, {}, NOW).packages, undefined)
})

test('an empty property gives zeros, not an error', () => {
  const report = assembleReport(SCOPE, { totals: answer([], []), versions: answer([DIMENSIONS.version], []) }, NOW)
  assert.deepEqual(report.totals, { imports: 0, users: 0 })
  assert.deepEqual(report.versions, [])
})

test('compareVersions: newest first, a prerelease before its release, "(not set)" last', () => {
  const sorted = ['1.0.0', '(not set)', '1.0.0-rc.1', '0.9.12', '1.0.10', '1.0.2'].sort(compareVersions)
  assert.deepEqual(sorted, ['1.0.10', '1.0.2', '1.0.0', '1.0.0-rc.1', '0.9.12', '(not set)'])
})
