// The report as text for a terminal: totals with their trend, then one table per split, each with its
// share as a number and a bar, and for versions the trend of each.
import { bar, sparkline } from './sparkline.js'
import { table } from './table.js'
import type { Share, UsageReport, VersionUsage } from './usage-report.js'

/** Rows per table: past this, the rest is summed into one "n more" row. */
const MAX_ROWS = 12
const BAR_WIDTH = 16

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US')
}

export function formatShare(part: number, whole: number): string {
  if (whole === 0) return '-'
  const percent = (part / whole) * 100
  return `${percent >= 10 || percent === 0 ? percent.toFixed(0) : percent.toFixed(1)}%`
}

/** The first rows, and the rest summed into one (its users a sum: an upper bound, as a person can be in two rows). */
function capped(rows: Share[], what: string): Share[] {
  if (rows.length <= MAX_ROWS) return rows
  const kept = rows.slice(0, MAX_ROWS - 1)
  const rest = rows.slice(MAX_ROWS - 1)
  const imports = rest.reduce((sum, row) => sum + row.imports, 0)
  const users = rest.reduce((sum, row) => sum + row.users, 0)
  return [...kept, { name: `${rest.length} more ${what}`, imports, users }]
}

/** Versions the same way, each with its trend; the older ones' trends added up into one. */
function cappedVersions(versions: VersionUsage[]): VersionUsage[] {
  if (versions.length <= MAX_ROWS) return versions
  const rest = versions.slice(MAX_ROWS - 1)
  const timeline = rest[0]!.timeline.map((_, period) =>
    rest.reduce((sum, version) => sum + version.timeline[period]!, 0),
  )
  const older = capped(versions, 'versions').at(-1)!
  return [...versions.slice(0, MAX_ROWS - 1), { ...older, timeline }]
}

function shareTable(title: string, rows: Share[], total: number, what: string): string {
  if (rows.length === 0) return `  ${title}: no data`
  return table(
    [title, 'imports', 'share', '', 'users'],
    capped(rows, what).map((row) => [
      row.name,
      formatNumber(row.imports),
      formatShare(row.imports, total),
      bar(total ? row.imports / total : 0, BAR_WIDTH),
      formatNumber(row.users),
    ]),
  )
}

function heading(report: UsageReport): string {
  const what = report.packageName ?? 'every package'
  const step = report.interval === 'week' ? 'one point a week' : 'one point a day'
  return [
    `${what}: "${report.event}" events in GA4 property ${report.property}`,
    `${report.start} to ${report.end} (${report.timeZone}), ${step}`,
  ].join('\n')
}

export function terminalReport(report: UsageReport): string {
  const total = report.totals.imports
  const sections = [heading(report)]
  sections.push(
    table(
      ['', 'total', 'trend'],
      [
        ['imports', formatNumber(total), sparkline(report.timeline.map((counts) => counts.imports))],
        ['users', formatNumber(report.totals.users), sparkline(report.timeline.map((counts) => counts.users))],
      ],
    ),
  )
  if (total === 0) {
    sections.push(
      '  No events in these days. Events reach GA4 reports within a day or two; check the measurement id and --event.',
    )
    return `${sections.join('\n\n')}\n`
  }
  if (report.packages) sections.push(shareTable('package', report.packages, total, 'packages'))
  sections.push(
    table(
      ['version', 'imports', 'share', 'users', 'trend'],
      cappedVersions(report.versions).map((row) => [
        row.name,
        formatNumber(row.imports),
        formatShare(row.imports, total),
        formatNumber(row.users),
        sparkline(row.timeline),
      ]),
    ),
  )
  sections.push(shareTable('runtime', report.runtimes, total, 'runtimes'))
  sections.push(shareTable('OS', report.os, total, 'systems'))
  sections.push(shareTable('CI', report.ci, total, 'values'))
  sections.push(shareTable('country', report.countries, total, 'countries'))
  return `${sections.join('\n\n')}\n`
}
