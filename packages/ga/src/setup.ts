// popylar-ga setup: registers an event-scoped custom dimension for each parameter the tracker sends and
// for the author's own, so that GA4's reports (and popylar-ga report) can split imports by them.
import { type CustomDimension, createCustomDimension, listCustomDimensions } from './admin-api.js'
import type { SetupOptions } from './command-line.js'
import type { Session } from './credentials.js'
import { TRACKER_DIMENSIONS } from './dimensions.js'
import { planSetup, type PlannedDimension } from './setup-plan.js'
import { table } from './table.js'

const SCOPE_NAMES: Record<string, string> = { EVENT: 'event', USER: 'user', ITEM: 'item' }

function stateOf(dimension: PlannedDimension, dryRun: boolean): string {
  if (dimension.action === 'exists') return 'exists'
  return dryRun ? 'would create' : 'created'
}

export async function setup(options: SetupOptions, session: Session): Promise<string> {
  const existing = await listCustomDimensions(session, options.property)
  const wanted = [...TRACKER_DIMENSIONS, ...options.params.filter((name) => !TRACKER_DIMENSIONS.includes(name))]
  const plan = planSetup(existing, wanted)
  const missing = plan.dimensions.filter((dimension) => dimension.action === 'create')
  if (!options.dryRun) {
    for (const dimension of missing) {
      const created: CustomDimension = {
        parameterName: dimension.parameterName,
        displayName: dimension.displayName,
        description: dimension.description,
        scope: 'EVENT',
      }
      await createCustomDimension(session, options.property, created)
    }
  }

  const lines = [
    `property ${options.property}: ${plan.dimensions.length - missing.length} of ${plan.dimensions.length} event-scoped custom dimensions for popylar's parameters existed`,
    '',
    table(
      ['parameter', 'dimension', 'state'],
      plan.dimensions.map((dimension) => [
        dimension.parameterName,
        dimension.displayName,
        stateOf(dimension, options.dryRun),
      ]),
    ),
  ]
  if (plan.others.length > 0) {
    lines.push('', 'Other custom dimensions on this property:')
    lines.push(
      table(
        ['parameter', 'dimension', 'scope'],
        plan.others.map((dimension) => [
          dimension.parameterName,
          dimension.displayName,
          SCOPE_NAMES[dimension.scope] ?? dimension.scope,
        ]),
      ),
    )
  }
  lines.push('')
  if (missing.length === 0) lines.push('Nothing to do: every parameter has its dimension.')
  else if (options.dryRun) lines.push(`--dry-run: nothing changed; without it, ${missing.length} would be created.`)
  else
    lines.push(
      `Created ${missing.length}. GA4 fills a dimension with the events that arrive after it exists, within a day or two.`,
    )
  return `${lines.join('\n')}\n`
}
