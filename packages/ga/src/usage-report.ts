// The Data API's answers turned into what an author wants to know: imports and users over time, by
// version, runtime, OS, CI and country. Every renderer (terminal, JSON, HTML) reads this one shape.
import type { Span } from './command-line.js'
import { type RunReportResponse, rowsOf } from './data-api.js'
import { addDays, type Interval, periodDimension, periodStart, periods, todayIn } from './periods.js'
import { DIMENSIONS, IMPORTS, type QueryName, USERS } from './report-queries.js'

export interface Counts {
  imports: number
  users: number
}

export interface Share extends Counts {
  name: string
}

export interface VersionUsage extends Share {
  /** Imports in each period of the report. */
  timeline: number[]
}

export interface UsageReport {
  property: string
  packageName?: string
  event: string
  timeZone: string
  /** First and last day, YYYY-MM-DD, both included. */
  start: string
  end: string
  interval: Interval
  /** The first day of each period. */
  periods: string[]
  totals: Counts
  timeline: Counts[]
  versions: VersionUsage[]
  /** By runtime and major version, e.g. "node 22". */
  runtimes: Share[]
  os: Share[]
  ci: Share[]
  countries: Share[]
  /** Only when no package was named: each package's part. */
  packages?: Share[]
}

export interface ReportScope {
  property: string
  packageName?: string
  event: string
  span: Span
  interval: Interval
}

/** What GA4 shows for an event that did not carry the parameter. */
export const NOT_SET = '(not set)'

const OS_NAMES: Record<string, string> = {
  linux: 'Linux',
  darwin: 'macOS',
  win32: 'Windows',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  android: 'Android',
  aix: 'AIX',
  sunos: 'SunOS',
}

const CI_NAMES: Record<string, string> = { true: 'CI', false: 'not CI' }

/** "22.12.0" → "22": a runtime's share is read by major version. */
function major(version: string): string {
  return version.split('.')[0] ?? version
}

function runtimeName(runtime: string, version: string): string {
  if (!runtime || runtime === NOT_SET) return NOT_SET
  if (!version || version === NOT_SET) return runtime
  return `${runtime} ${major(version)}`
}

/** Semantic versions, newest first; anything else after them, "(not set)" last. */
export function compareVersions(a: string, b: string): number {
  if (a === NOT_SET || b === NOT_SET) return a === b ? 0 : a === NOT_SET ? 1 : -1
  const parse = (version: string) => {
    const [core = '', prerelease] = version.split(/-(.*)/s)
    return { numbers: core.split('.').map((part) => Number.parseInt(part, 10)), prerelease }
  }
  const left = parse(a)
  const right = parse(b)
  for (let i = 0; i < Math.max(left.numbers.length, right.numbers.length); i++) {
    const difference = (right.numbers[i] ?? 0) - (left.numbers[i] ?? 0)
    if (Number.isNaN(difference)) return a.localeCompare(b)
    if (difference !== 0) return difference
  }
  if (left.prerelease === right.prerelease) return 0
  if (left.prerelease === undefined) return -1
  if (right.prerelease === undefined) return 1
  return right.prerelease.localeCompare(left.prerelease)
}

/** Adds rows up by a name made from each row; most imports first, "(not set)" last. */
function shares(
  response: RunReportResponse | undefined,
  nameOf: (row: Record<string, string | number>) => string,
): Share[] {
  const byName = new Map<string, Share>()
  for (const row of response ? rowsOf(response) : []) {
    const name = nameOf(row) || NOT_SET
    const share = byName.get(name) ?? { name, imports: 0, users: 0 }
    share.imports += Number(row[IMPORTS])
    share.users += Number(row[USERS])
    byName.set(name, share)
  }
  return [...byName.values()].sort((a, b) => {
    if ((a.name === NOT_SET) !== (b.name === NOT_SET)) return a.name === NOT_SET ? 1 : -1
    return b.imports - a.imports || a.name.localeCompare(b.name)
  })
}

function value(row: Record<string, string | number>, dimension: string): string {
  return String(row[dimension] ?? '')
}

function firstDay(span: Span, today: string): string {
  return 'days' in span ? addDays(today, -(span.days - 1)) : span.from
}

export function assembleReport(
  scope: ReportScope,
  answers: Partial<Record<QueryName, RunReportResponse>>,
  now = new Date(),
): UsageReport {
  const timeZone = answers.totals?.metadata?.timeZone ?? 'UTC'
  const end = todayIn(timeZone, now)
  const start = firstDay(scope.span, end)
  const list = periods(start, end, scope.interval)
  const index = new Map(list.map((period, i) => [period, i]))
  const period = periodDimension(scope.interval)
  const periodIndex = (row: Record<string, string | number>) =>
    index.get(periodStart(scope.interval, value(row, period)))

  const timeline = list.map(() => ({ imports: 0, users: 0 }))
  for (const row of answers.timeline ? rowsOf(answers.timeline) : []) {
    const at = periodIndex(row)
    if (at === undefined) continue
    timeline[at]!.imports += Number(row[IMPORTS])
    timeline[at]!.users += Number(row[USERS])
  }

  const versions: VersionUsage[] = shares(answers.versions, (row) => value(row, DIMENSIONS.version))
    .sort((a, b) => compareVersions(a.name, b.name))
    .map((share) => ({ ...share, timeline: list.map(() => 0) }))
  const versionIndex = new Map(versions.map((version, i) => [version.name, i]))
  for (const row of answers.versionTimeline ? rowsOf(answers.versionTimeline) : []) {
    const at = periodIndex(row)
    const version = versionIndex.get(value(row, DIMENSIONS.version) || NOT_SET)
    if (at === undefined || version === undefined) continue
    versions[version]!.timeline[at]! += Number(row[IMPORTS])
  }

  const [totalsRow] = answers.totals ? rowsOf(answers.totals) : []
  const report: UsageReport = {
    property: scope.property,
    ...(scope.packageName === undefined ? {} : { packageName: scope.packageName }),
    event: scope.event,
    timeZone,
    start,
    end,
    interval: scope.interval,
    periods: list,
    totals: { imports: Number(totalsRow?.[IMPORTS] ?? 0), users: Number(totalsRow?.[USERS] ?? 0) },
    timeline,
    versions,
    runtimes: shares(answers.runtimes, (row) =>
      runtimeName(value(row, DIMENSIONS.runtime), value(row, DIMENSIONS.runtimeVersion)),
    ),
    os: shares(answers.os, (row) => {
      const os = value(row, DIMENSIONS.os)
      return OS_NAMES[os] ?? os
    }),
    ci: shares(answers.ci, (row) => {
      const ci = value(row, DIMENSIONS.ci)
      return CI_NAMES[ci] ?? ci
    }),
    countries: shares(answers.countries, (row) => value(row, DIMENSIONS.country)),
  }
  if (answers.packages) report.packages = shares(answers.packages, (row) => value(row, DIMENSIONS.packageName))
  return report
}
