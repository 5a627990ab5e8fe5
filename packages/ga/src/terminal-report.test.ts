import assert from 'node:assert/strict'
import { test } from 'node:test'
import { terminalReport } from './terminal-report.js'
import type { UsageReport } from './usage-report.js'

function report(versionCount: number): UsageReport {
  const versions = Array.from({ length: versionCount }, (_, i) => ({
    name: `1.${versionCount - i}.0`,
    imports: 10,
    users: 2,
    timeline: [i, 20 - i],
  }))
  const total = versionCount * 10
  return {
    property: '1',
    event: 'import',
    timeZone: 'UTC',
    start: '2025-06-14',
    end: '2025-06-15',
    interval: 'day',
    periods: ['2025-06-14', '2025-06-15'],
    totals: { imports: total, users: 5 },
    timeline: [
      { imports: total / 2, users: 3 },
      { imports: total / 2, users: 4 },
    ],
    versions,
    runtimes: [{ name: 'node 22', imports: total, users: 5 }],
    os: [{ name: 'Linux', imports: total, users: 5 }],
    ci: [{ name: 'not CI', imports: total, users: 5 }],
    countries: [],
  }
}

test('versions are left-aligned, counts and shares right-aligned under their headings', () => {
  const lines = terminalReport(report(2)).split('\n')
  const header = lines.find((line) => line.startsWith('  version '))!
  const row = lines.find((line) => line.startsWith('  1.2.0 '))!
  const end = (text: string, word: string) => text.indexOf(word) + word.length
  assert.equal(row.indexOf('1.2.0'), header.indexOf('version'))
  assert.equal(end(row, ' 10 '), end(header, 'imports') + 1)
  assert.equal(end(row, '50%'), end(header, 'share'))
  assert.match(row, /▁█$/)
})

test('past twelve versions, the older ones are one row with their trends added up', () => {
  const text = terminalReport(report(15))
  const rows = text.split('\n').filter((line) => /^ {2}(1\.\d+\.0|\d+ more versions) /.test(line))
  assert.equal(rows.length, 12)
  assert.match(rows.at(-1)!, /^ {2}4 more versions +40 +27% +8 +█▆$/)
})

test('a split without data says so instead of an empty table', () => {
  assert.match(terminalReport(report(1)), /^ {2}country: no data$/m)
})

test('a span without events says where to look', () => {
  const empty = { ...report(0), totals: { imports: 0, users: 0 } }
  assert.match(terminalReport(empty), /No events in these days/)
})
