// What report asks the Data API: one request per table or chart, all over the same days, all filtered
// to the tracker's event (and the package, when one is named). Users are counted per request, never
// added up across periods: GA4's active users are distinct people, not a sum.
import type { FilterExpression, RunReportRequest } from './data-api.js'
import { reportDimension } from './dimensions.js'
import { type Interval, periodDimension } from './periods.js'

export const IMPORTS = 'eventCount'
export const USERS = 'activeUsers'

export const DIMENSIONS = {
  packageName: reportDimension('package_name'),
  version: reportDimension('package_version'),
  runtime: reportDimension('runtime'),
  runtimeVersion: reportDimension('runtime_version'),
  os: reportDimension('os'),
  ci: reportDimension('ci'),
  country: 'country',
} as const

export type QueryName =
  | 'totals'
  | 'timeline'
  | 'versions'
  | 'versionTimeline'
  | 'runtimes'
  | 'os'
  | 'ci'
  | 'countries'
  | 'packages'

export interface ReportQuestion {
  event: string
  packageName?: string
  /** The Data API's dates: YYYY-MM-DD, "today" or "NdaysAgo". */
  startDate: string
  endDate: string
  interval: Interval
}

/** Enough rows for every version on every day of a long span. */
const ROW_LIMIT = '100000'

function exact(fieldName: string, value: string): FilterExpression {
  return { filter: { fieldName, stringFilter: { matchType: 'EXACT', value, caseSensitive: true } } }
}

function filterFor(question: ReportQuestion): FilterExpression {
  const event = exact('eventName', question.event)
  if (question.packageName === undefined) return event
  return { andGroup: { expressions: [event, exact(DIMENSIONS.packageName, question.packageName)] } }
}

export function reportQueries(question: ReportQuestion): Array<{ name: QueryName; request: RunReportRequest }> {
  const period = periodDimension(question.interval)
  const request = (dimensions: string[]): RunReportRequest => ({
    dimensions: dimensions.map((name) => ({ name })),
    metrics: [{ name: IMPORTS }, { name: USERS }],
    dateRanges: [{ startDate: question.startDate, endDate: question.endDate }],
    dimensionFilter: filterFor(question),
    limit: ROW_LIMIT,
  })
  const queries: Array<{ name: QueryName; request: RunReportRequest }> = [
    { name: 'totals', request: request([]) },
    { name: 'timeline', request: request([period]) },
    { name: 'versions', request: request([DIMENSIONS.version]) },
    { name: 'versionTimeline', request: request([period, DIMENSIONS.version]) },
    { name: 'runtimes', request: request([DIMENSIONS.runtime, DIMENSIONS.runtimeVersion]) },
    { name: 'os', request: request([DIMENSIONS.os]) },
    { name: 'ci', request: request([DIMENSIONS.ci]) },
    { name: 'countries', request: request([DIMENSIONS.country]) },
  ]
  if (question.packageName === undefined) queries.push({ name: 'packages', request: request([DIMENSIONS.packageName]) })
  return queries
}

/** The badge's one number: the last 30 days, today included. */
export function badgeQuery(question: Omit<ReportQuestion, 'startDate' | 'endDate' | 'interval'>, metric: string) {
  return {
    metrics: [{ name: metric }],
    dateRanges: [{ startDate: '29daysAgo', endDate: 'today' }],
    dimensionFilter: filterFor({ ...question, startDate: '', endDate: '', interval: 'day' }),
  } satisfies RunReportRequest
}
