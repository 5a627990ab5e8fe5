// popylar-ga report: asks the Data API for the span's numbers, and shows them as a terminal table,
// JSON, or a self-contained HTML page.
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { chartLibrarySource } from './chart-library.js'
import type { ReportOptions } from './command-line.js'
import type { Session } from './credentials.js'
import { Failure } from './failure.js'
import { runReports } from './data-api.js'
import { htmlReport } from './html-report.js'
import { type QueryName, reportQueries } from './report-queries.js'
import { terminalReport } from './terminal-report.js'
import { assembleReport, type UsageReport } from './usage-report.js'

/** The Data API's start date for the span: relative, so the property's own time zone decides what "today" is. */
export function startDate(options: ReportOptions): string {
  if ('from' in options.span) return options.span.from
  return options.span.days === 1 ? 'today' : `${options.span.days - 1}daysAgo`
}

export async function fetchReport(options: ReportOptions, session: Session): Promise<UsageReport> {
  const queries = reportQueries({
    event: options.event,
    ...(options.packageName === undefined ? {} : { packageName: options.packageName }),
    startDate: startDate(options),
    endDate: 'today',
    interval: options.interval,
  })
  const responses = await runReports(
    session,
    options.property,
    queries.map((query) => query.request),
  )
  const answers: Partial<Record<QueryName, (typeof responses)[number]>> = {}
  queries.forEach((query, i) => {
    answers[query.name] = responses[i]
  })
  return assembleReport(options, answers)
}

/** What goes to stdout. The page, when asked for, is written first, so a failure to write says so before any output. */
export async function report(options: ReportOptions, session: Session): Promise<string> {
  const usage = await fetchReport(options, session)
  const out: string[] = []
  if (options.html) {
    const file = resolve(options.html)
    try {
      writeFileSync(file, htmlReport(usage, chartLibrarySource()))
    } catch (error) {
      throw new Failure(
        'file',
        `cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      )
    }
    if (!options.json) out.push(`popylar-ga: wrote ${file}\n`)
  }
  if (options.json) out.push(`${JSON.stringify(usage, null, 2)}\n`)
  else if (!options.html) out.push(terminalReport(usage))
  return out.join('')
}
