// The event parameters that become GA4 custom dimensions: every one the tracker sends, read from the
// tracker's own list (compiled in at build time, so @popylar/ga needs no @popylar/core at run time).
import { TRACKER_PARAMS } from '../../core/src/runtime/tracker/ga4-rules.js'

/** Parameters GA4 reads itself, for sessions and engagement: a dimension for them would only cost a slot. */
export const GA4_OWN_PARAMS: readonly string[] = ['session_id', 'engagement_time_msec']

export const TRACKER_DIMENSIONS: readonly string[] = TRACKER_PARAMS.filter((name) => !GA4_OWN_PARAMS.includes(name))

/** How GA4's screens show each of the tracker's parameters; an author's own show as they are named. */
const DISPLAY_NAMES: Record<string, string> = {
  package_name: 'Package name',
  package_version: 'Package version',
  runtime: 'Runtime',
  runtime_version: 'Runtime version',
  os: 'OS',
  arch: 'Architecture',
  ci: 'CI',
}

export function displayName(parameterName: string): string {
  return DISPLAY_NAMES[parameterName] ?? parameterName
}

/** GA4's rule for event parameter names (Admin API: parameterName of an event-scoped dimension). */
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/
const RESERVED_PREFIXES = ['firebase_', 'ga_', 'google_']

/** What is wrong with an author's parameter name, or ''. */
export function parameterNameProblem(name: string): string {
  if (!PARAMETER_NAME.test(name))
    return `"${name}" is not a GA4 parameter name: letters, digits and "_", starting with a letter, at most 40 characters`
  const prefix = RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved))
  if (prefix) return `"${name}" starts with "${prefix}", which GA4 reserves`
  if (GA4_OWN_PARAMS.includes(name)) return `"${name}" is read by GA4 itself and needs no dimension`
  return ''
}

/** The Data API's name for the dimension of an event parameter. */
export function reportDimension(parameterName: string): string {
  return `customEvent:${parameterName}`
}
