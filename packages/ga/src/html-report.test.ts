import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chartSlots, htmlReport } from './html-report.js'
import type { UsageReport } from './usage-report.js'

const REPORT: UsageReport = {
  property: '1',
  packageName: '</script><script>alert(1)</script>',
  event: 'import',
  timeZone: 'UTC',
  start: '2025-06-14',
  end: '2025-06-15',
  interval: 'day',
  periods: ['2025-06-14', '2025-06-15'],
  totals: { imports: 3, users: 2 },
  timeline: [
    { imports: 1, users: 1 },
    { imports: 2, users: 1 },
  ],
  versions: [{ name: '1.0.0', imports: 3, users: 2, timeline: [1, 2] }],
  runtimes: [{ name: 'node 22', imports: 3, users: 2 }],
  os: [{ name: 'Linux', imports: 3, users: 2 }],
  ci: [{ name: 'not CI', imports: 3, users: 2 }],
  countries: [{ name: '(not set)', imports: 3, users: 2 }],
}

const LIBRARY = '/* chart library */ window.Chart = function () {}'

test("a package name cannot end the page's scripts or inject markup", () => {
  const page = htmlReport(REPORT, LIBRARY)
  assert.equal(page.match(/<script/g)?.length, 3, 'the library, the data and the drawing script')
  assert.equal(page.match(/<\/script>/g)?.length, 3)
  assert.match(page, /<h1>&#60;\/script&#62;/)
})

test('the page loads nothing from anywhere: the library is inlined', () => {
  const page = htmlReport(REPORT, LIBRARY)
  assert.ok(page.includes(LIBRARY))
  assert.doesNotMatch(page, /\s(src|href)=/)
  assert.doesNotMatch(page, /@import|url\(http/)
})

test('one canvas per chart; packages only when the report has them', () => {
  const page = htmlReport(REPORT, LIBRARY)
  const ids = chartSlots(REPORT).map((slot) => slot.id)
  assert.deepEqual(ids, [
    'chart-timeline',
    'chart-versions',
    'chart-runtimes',
    'chart-os',
    'chart-ci',
    'chart-countries',
  ])
  for (const id of ids) assert.ok(page.includes(`<canvas id="${id}"`), id)
  const withPackages = chartSlots({ ...REPORT, packages: [{ name: 'a', imports: 3, users: 2 }] })
  assert.ok(withPackages.some((slot) => slot.id === 'chart-packages'))
})
