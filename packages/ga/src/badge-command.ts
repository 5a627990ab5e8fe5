// popylar-ga badge: the last 30 days' imports or users as a shields-style SVG, on stdout.
import { usageBadge } from './badge.js'
import type { BadgeOptions } from './command-line.js'
import type { Session } from './credentials.js'
import { rowsOf, runReport } from './data-api.js'
import { badgeQuery, IMPORTS, USERS } from './report-queries.js'

export async function badge(options: BadgeOptions, session: Session): Promise<string> {
  const metric = options.metric === 'users' ? USERS : IMPORTS
  const response = await runReport(
    session,
    options.property,
    badgeQuery(
      { event: options.event, ...(options.packageName === undefined ? {} : { packageName: options.packageName }) },
      metric,
    ),
  )
  const [row] = rowsOf(response)
  return usageBadge(options.label ?? options.metric, Number(row?.[metric] ?? 0))
}
