// The GA4 Data API (v1beta): properties.runReport and properties.batchRunReports, with the request and
// response shapes Google documents (only the fields this command uses).
import { GOOGLE_HOSTS } from './api-root.js'
import type { Session } from './credentials.js'
import { callGoogle } from './google-api.js'

export interface StringFilter {
  matchType?: 'EXACT' | 'BEGINS_WITH' | 'ENDS_WITH' | 'CONTAINS' | 'FULL_REGEXP' | 'PARTIAL_REGEXP'
  value: string
  caseSensitive?: boolean
}

export interface Filter {
  fieldName: string
  stringFilter?: StringFilter
  inListFilter?: { values: string[]; caseSensitive?: boolean }
}

export interface FilterExpression {
  andGroup?: { expressions: FilterExpression[] }
  orGroup?: { expressions: FilterExpression[] }
  notExpression?: FilterExpression
  filter?: Filter
}

export interface OrderBy {
  desc?: boolean
  metric?: { metricName: string }
  dimension?: { dimensionName: string; orderType?: 'ALPHANUMERIC' | 'CASE_INSENSITIVE_ALPHANUMERIC' | 'NUMERIC' }
}

export interface RunReportRequest {
  dimensions?: Array<{ name: string }>
  metrics?: Array<{ name: string }>
  dateRanges?: Array<{ startDate: string; endDate: string; name?: string }>
  dimensionFilter?: FilterExpression
  offset?: string
  limit?: string
  orderBys?: OrderBy[]
  keepEmptyRows?: boolean
  returnPropertyQuota?: boolean
}

export interface ReportRow {
  dimensionValues?: Array<{ value?: string }>
  metricValues?: Array<{ value?: string }>
}

export interface RunReportResponse {
  dimensionHeaders?: Array<{ name: string }>
  metricHeaders?: Array<{ name: string; type?: string }>
  rows?: ReportRow[]
  rowCount?: number
  metadata?: { timeZone?: string; currencyCode?: string }
  kind?: string
}

interface BatchRunReportsResponse {
  reports?: RunReportResponse[]
  kind?: string
}

/** batchRunReports takes at most five requests. */
export const MAX_BATCH = 5

function property(id: string): string {
  return `${GOOGLE_HOSTS.data}/v1beta/properties/${id}`
}

export function runReport(session: Session, id: string, request: RunReportRequest): Promise<RunReportResponse> {
  return callGoogle<RunReportResponse>(session, 'POST', `${property(id)}:runReport`, request)
}

/** Any number of reports, in batches of five; the answers in the order of the requests. */
export async function runReports(
  session: Session,
  id: string,
  requests: RunReportRequest[],
): Promise<RunReportResponse[]> {
  if (requests.length === 1) return [await runReport(session, id, requests[0]!)]
  const reports: RunReportResponse[] = []
  for (let start = 0; start < requests.length; start += MAX_BATCH) {
    const batch = requests.slice(start, start + MAX_BATCH)
    const answer = await callGoogle<BatchRunReportsResponse>(session, 'POST', `${property(id)}:batchRunReports`, {
      requests: batch,
    })
    const answered = answer.reports ?? []
    if (answered.length !== batch.length)
      throw new Error(`batchRunReports answered ${answered.length} reports for ${batch.length} requests`)
    reports.push(...answered)
  }
  return reports
}

/** The rows as records of dimension and metric names to values (metrics as numbers). */
export function rowsOf(response: RunReportResponse): Array<Record<string, string | number>> {
  const dimensions = (response.dimensionHeaders ?? []).map((header) => header.name)
  const metrics = (response.metricHeaders ?? []).map((header) => header.name)
  return (response.rows ?? []).map((row) => {
    const record: Record<string, string | number> = {}
    dimensions.forEach((name, i) => {
      record[name] = row.dimensionValues?.[i]?.value ?? ''
    })
    metrics.forEach((name, i) => {
      record[name] = Number(row.metricValues?.[i]?.value ?? 0) || 0
    })
    return record
  })
}
