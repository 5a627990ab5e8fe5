// What setup does to a property: which event-scoped custom dimensions exist, which it creates, and the
// property's other dimensions, shown so the author sees the whole picture. Pure: setup.ts does the calls.
import type { CustomDimension } from './admin-api.js'
import { displayName } from './dimensions.js'

export interface PlannedDimension {
  parameterName: string
  displayName: string
  /** 'exists': an event-scoped dimension already reads this parameter. */
  action: 'exists' | 'create'
  /** What the new dimension says about itself in GA4's screens. */
  description: string
}

export interface SetupPlan {
  dimensions: PlannedDimension[]
  /** The property's dimensions that read other parameters, or the same ones at another scope. */
  others: CustomDimension[]
}

const DESCRIPTIONS: Record<string, string> = {
  package_name: 'popylar: the name of the library that was imported',
  package_version: 'popylar: the version of the library that was imported',
  runtime: 'popylar: node, bun, deno or browser',
  runtime_version: "popylar: the runtime's version",
  os: 'popylar: the operating system (process.platform)',
  arch: 'popylar: the processor architecture (process.arch)',
  ci: 'popylar: true when the import ran in CI',
}

function description(parameterName: string): string {
  return DESCRIPTIONS[parameterName] ?? 'popylar: a parameter the library author sends with every import'
}

/** A display name no other dimension has (GA4 wants them unique): the readable one, else one that says whose it is. */
function freeDisplayName(parameterName: string, taken: Set<string>): string {
  const candidates = [displayName(parameterName), `popylar ${displayName(parameterName)}`, `popylar ${parameterName}`]
  const free = candidates.find((name) => !taken.has(name.toLowerCase())) ?? `${parameterName} ${taken.size}`
  taken.add(free.toLowerCase())
  return free
}

export function planSetup(existing: CustomDimension[], parameterNames: readonly string[]): SetupPlan {
  const eventScoped = new Map(
    existing
      .filter((dimension) => dimension.scope === 'EVENT')
      .map((dimension) => [dimension.parameterName, dimension]),
  )
  const taken = new Set(existing.map((dimension) => dimension.displayName.toLowerCase()))
  const dimensions = parameterNames.map((parameterName): PlannedDimension => {
    const found = eventScoped.get(parameterName)
    if (found) return { parameterName, displayName: found.displayName, action: 'exists', description: '' }
    return {
      parameterName,
      displayName: freeDisplayName(parameterName, taken),
      action: 'create',
      description: description(parameterName),
    }
  })
  const wanted = new Set(parameterNames)
  const others = existing.filter((dimension) => dimension.scope !== 'EVENT' || !wanted.has(dimension.parameterName))
  return { dimensions, others }
}
