// The Data API's runReport over a list of stored events, as Google documents it (RunReportRequest and
// RunReportResponse of analyticsdata v1beta): a stand-in that computes real numbers from real events.
// Supported: the dimensions date, isoYearIsoWeek, eventName, country and customEvent:<parameter> (only
// for parameters the property has an event-scoped custom dimension for, as in GA4); the metrics
// eventCount, activeUsers and totalUsers (both: distinct client ids); one date range (YYYY-MM-DD,
// today, yesterday, NdaysAgo, in the property's time zone); dimension filters (string, in-list, and,
// or, not); orderBys; limit and offset. Anything else is answered with INVALID_ARGUMENT.
// Independent of the packages it tests: it shares no code with @popylar/ga.
import { invalidArgument, notValidField } from './google-errors.js'

export interface StoredEvent {
  /** Milliseconds since the epoch. */
  time: number
  name: string
  clientId: string
  /** GA4 derives it from the IP address; "(not set)" when unknown. */
  country?: string
  params: Record<string, string | number>
}

interface StringFilter {
  matchType?: string
  value?: string
  caseSensitive?: boolean
}

interface Filter {
  fieldName?: string
  stringFilter?: StringFilter
  inListFilter?: { values?: string[]; caseSensitive?: boolean }
}

export interface FilterExpression {
  andGroup?: { expressions?: FilterExpression[] }
  orGroup?: { expressions?: FilterExpression[] }
  notExpression?: FilterExpression
  filter?: Filter
}

export interface RunReportRequest {
  property?: string
  dimensions?: Array<{ name?: string }>
  metrics?: Array<{ name?: string }>
  dateRanges?: Array<{ startDate?: string; endDate?: string; name?: string }>
  dimensionFilter?: FilterExpression
  metricFilter?: unknown
  offset?: string | number
  limit?: string | number
  orderBys?: Array<{
    desc?: boolean
    metric?: { metricName?: string }
    dimension?: { dimensionName?: string; orderType?: string }
  }>
  keepEmptyRows?: boolean
  returnPropertyQuota?: boolean
}

export interface RunReportResponse {
  dimensionHeaders: Array<{ name: string }>
  metricHeaders: Array<{ name: string; type: string }>
  rows?: Array<{ dimensionValues: Array<{ value: string }>; metricValues: Array<{ value: string }> }>
  rowCount?: number
  metadata: { currencyCode: string; timeZone: string }
  kind: 'analyticsData#runReport'
}

export interface ReportSource {
  events: readonly StoredEvent[]
  timeZone: string
  /** Parameter names with an event-scoped custom dimension. */
  eventParameters: ReadonlySet<string>
  now: Date
}

const NOT_SET = '(not set)'
const DEFAULT_LIMIT = 10_000
const MAX_LIMIT = 250_000
const METRICS = new Set(['eventCount', 'activeUsers', 'totalUsers'])
const DATE = /^\d{4}-\d{2}-\d{2}$/
const DAYS_AGO = /^(\d+)daysAgo$/
const DAY_MS = 86_400_000

// ---------------------------------------------------------------- dates, in the property's time zone

const formats = new Map<string, Intl.DateTimeFormat>()

const QUARTER_HOUR_MS = 900_000
const dates = new Map<string, Map<number, string>>()

/**
 * The date of a moment in a time zone. Formatting is slow and reports read every event, so dates are
 * kept per quarter hour: every time zone's offset is a whole number of quarter hours.
 */
function dateIn(timeZone: string, time: number): string {
  let format = formats.get(timeZone)
  let known = dates.get(timeZone)
  if (!format || !known) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    known = new Map()
    formats.set(timeZone, format)
    dates.set(timeZone, known)
  }
  const quarter = Math.floor(time / QUARTER_HOUR_MS)
  let date = known.get(quarter)
  if (date === undefined) {
    date = format.format(new Date(time)).slice(0, 10)
    known.set(quarter, date)
  }
  return date
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

function resolveDate(value: string | undefined, today: string, field: string): string {
  if (value === 'today') return today
  if (value === 'yesterday') return shiftDate(today, -1)
  const ago = value ? DAYS_AGO.exec(value) : null
  if (ago) return shiftDate(today, -Number(ago[1]))
  if (value && DATE.test(value)) return value
  throw invalidArgument(`Invalid ${field}: "${value ?? ''}". Use YYYY-MM-DD, today, yesterday or NdaysAgo.`)
}

function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay()
  const thursday = shiftDate(date, 3 - ((day + 6) % 7))
  const year = thursday.slice(0, 4)
  const week =
    Math.floor((Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / (7 * DAY_MS)) + 1
  return `${year}${String(week).padStart(2, '0')}`
}

// ---------------------------------------------------------------- dimensions and filters

type Reader = (event: StoredEvent, date: string) => string

function dimensionReader(name: string, source: ReportSource): Reader {
  switch (name) {
    case 'date':
      return (_, date) => date.replace(/-/g, '')
    case 'isoYearIsoWeek':
      return (_, date) => isoWeek(date)
    case 'eventName':
      return (event) => event.name
    case 'country':
      return (event) => event.country || NOT_SET
  }
  const parameter = name.startsWith('customEvent:') ? name.slice('customEvent:'.length) : undefined
  if (parameter !== undefined && source.eventParameters.has(parameter))
    return (event) => {
      const value = event.params[parameter]
      return value === undefined || value === '' ? NOT_SET : String(value)
    }
  throw notValidField(name, 'dimension')
}

function stringMatches(filter: StringFilter, value: string): boolean {
  const caseSensitive = filter.caseSensitive === true
  const wanted = caseSensitive ? (filter.value ?? '') : (filter.value ?? '').toLowerCase()
  const actual = caseSensitive ? value : value.toLowerCase()
  switch (filter.matchType ?? 'EXACT') {
    case 'EXACT':
      return actual === wanted
    case 'BEGINS_WITH':
      return actual.startsWith(wanted)
    case 'ENDS_WITH':
      return actual.endsWith(wanted)
    case 'CONTAINS':
      return actual.includes(wanted)
    case 'FULL_REGEXP':
      return new RegExp(`^(?:${filter.value ?? ''})$`, caseSensitive ? '' : 'i').test(value)
    case 'PARTIAL_REGEXP':
      return new RegExp(filter.value ?? '', caseSensitive ? '' : 'i').test(value)
    default:
      throw invalidArgument(`Unknown stringFilter matchType ${filter.matchType}.`)
  }
}

type Predicate = (event: StoredEvent, date: string) => boolean

function compileFilter(expression: FilterExpression, source: ReportSource): Predicate {
  if (expression.andGroup) {
    const parts = (expression.andGroup.expressions ?? []).map((part) => compileFilter(part, source))
    return (event, date) => parts.every((part) => part(event, date))
  }
  if (expression.orGroup) {
    const parts = (expression.orGroup.expressions ?? []).map((part) => compileFilter(part, source))
    return (event, date) => parts.some((part) => part(event, date))
  }
  if (expression.notExpression) {
    const inner = compileFilter(expression.notExpression, source)
    return (event, date) => !inner(event, date)
  }
  const filter = expression.filter
  if (!filter?.fieldName) throw invalidArgument('A filter expression needs a filter with a fieldName.')
  const read = dimensionReader(filter.fieldName, source)
  if (filter.stringFilter) {
    const stringFilter = filter.stringFilter
    return (event, date) => stringMatches(stringFilter, read(event, date))
  }
  if (filter.inListFilter) {
    const caseSensitive = filter.inListFilter.caseSensitive === true
    const values = new Set((filter.inListFilter.values ?? []).map((v) => (caseSensitive ? v : v.toLowerCase())))
    return (event, date) => {
      const value = read(event, date)
      return values.has(caseSensitive ? value : value.toLowerCase())
    }
  }
  throw invalidArgument(`The filter on ${filter.fieldName} has no stringFilter or inListFilter.`)
}

// ---------------------------------------------------------------- the report

function count(value: string | number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw invalidArgument(`${field} must be a non-negative integer.`)
  return number
}

interface Group {
  values: string[]
  events: number
  users: Set<string>
}

function metricValue(group: Group, metric: string): number {
  return metric === 'eventCount' ? group.events : group.users.size
}

/** Throws a GoogleError for a request GA4 would refuse. */
export function runReport(request: RunReportRequest, source: ReportSource): RunReportResponse {
  const dimensions = (request.dimensions ?? []).map((dimension) => dimension.name ?? '')
  const metrics = (request.metrics ?? []).map((metric) => metric.name ?? '')
  if (metrics.length === 0 && dimensions.length === 0)
    throw invalidArgument('The report needs at least one dimension or metric.')
  for (const metric of metrics) if (!METRICS.has(metric)) throw notValidField(metric, 'metric')
  const readers = dimensions.map((name) => dimensionReader(name, source))
  if (request.metricFilter !== undefined) throw invalidArgument('This stand-in does not implement metricFilter.')
  const ranges = request.dateRanges ?? []
  if (ranges.length !== 1) throw invalidArgument('This stand-in takes exactly one date range.')
  const today = dateIn(source.timeZone, source.now.getTime())
  const start = resolveDate(ranges[0]!.startDate, today, 'startDate')
  const end = resolveDate(ranges[0]!.endDate, today, 'endDate')
  if (start > end) throw invalidArgument(`The startDate ${start} is after the endDate ${end}.`)
  const keep = request.dimensionFilter ? compileFilter(request.dimensionFilter, source) : () => true
  const limit = count(request.limit, DEFAULT_LIMIT, 'limit')
  if (limit > MAX_LIMIT) throw invalidArgument(`limit must be at most ${MAX_LIMIT}.`)
  const offset = count(request.offset, 0, 'offset')

  const groups = new Map<string, Group>()
  for (const event of source.events) {
    const date = dateIn(source.timeZone, event.time)
    if (date < start || date > end || !keep(event, date)) continue
    const values = readers.map((read) => read(event, date))
    const key = JSON.stringify(values)
    const group = groups.get(key) ?? { values, events: 0, users: new Set<string>() }
    group.events += 1
    group.users.add(event.clientId)
    groups.set(key, group)
  }

  const rows = [...groups.values()]
  const orderBys = request.orderBys ?? [{ metric: { metricName: metrics[0] ?? '' }, desc: true }]
  rows.sort((a, b) => {
    for (const order of orderBys) {
      let difference = 0
      if (order.metric?.metricName) {
        difference = metricValue(a, order.metric.metricName) - metricValue(b, order.metric.metricName)
      } else if (order.dimension?.dimensionName) {
        const at = dimensions.indexOf(order.dimension.dimensionName)
        if (at < 0) throw invalidArgument(`Cannot order by ${order.dimension.dimensionName}: it is not in the report.`)
        difference =
          order.dimension.orderType === 'NUMERIC'
            ? Number(a.values[at]) - Number(b.values[at])
            : a.values[at]!.localeCompare(b.values[at]!)
      }
      if (difference !== 0) return order.desc ? -difference : difference
    }
    return 0
  })

  const page = rows.slice(offset, offset + limit)
  const response: RunReportResponse = {
    dimensionHeaders: dimensions.map((name) => ({ name })),
    metricHeaders: metrics.map((name) => ({ name, type: 'TYPE_INTEGER' })),
    metadata: { currencyCode: 'USD', timeZone: source.timeZone },
    kind: 'analyticsData#runReport',
  }
  // proto3 JSON leaves out empty lists and zeros, and so does the Data API.
  if (page.length > 0) {
    response.rows = page.map((group) => ({
      dimensionValues: group.values.map((value) => ({ value })),
      metricValues: metrics.map((metric) => ({ value: String(metricValue(group, metric)) })),
    }))
  }
  if (rows.length > 0) response.rowCount = rows.length
  return response
}
