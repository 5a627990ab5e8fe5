// GA4's documented limits on names and values. The plugin checks the author's options against them
// at build time; trackEvent checks hand-sent events before they leave.

export const MAX_NAME_LENGTH = 40
export const MAX_VALUE_LENGTH = 100
export const MAX_PARAMS = 25
export const MAX_EVENTS_PER_REQUEST = 25

export const MEASUREMENT_ID = /^G-[A-Z0-9]{4,20}$/

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/
const RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.']

/** Event names GA4 keeps for itself. */
export const RESERVED_EVENT_NAMES = [
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_impression',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_install',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_convert',
  'app_store_subscription_renew',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'firebase_campaign',
  'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss',
  'firebase_in_app_message_impression',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'notification_send',
  'os_update',
  'screen_view',
  'session_start',
  'session_start_with_rollout',
  'user_engagement',
]

/** Parameters the tracker sets itself; an author's params may not replace them. */
export const TRACKER_PARAMS = [
  'package_name',
  'package_version',
  'runtime',
  'runtime_version',
  'os',
  'arch',
  'ci',
  'session_id',
  'engagement_time_msec',
]

/** What is wrong with a name GA4 would reject, or ''. */
function nameProblem(name: unknown, what: string): string {
  if (typeof name !== 'string' || !name) return `${what} must be a non-empty string`
  if (name.length > MAX_NAME_LENGTH) return `${what} "${name}" is longer than ${MAX_NAME_LENGTH} characters`
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p))
  if (prefix) return `${what} "${name}" starts with "${prefix}", which GA4 reserves`
  if (!NAME.test(name)) return `${what} "${name}" may hold only letters, digits and "_", and must start with a letter`
  return ''
}

export function eventNameProblem(name: unknown): string {
  const problem = nameProblem(name, 'the event name')
  if (problem) return problem
  return RESERVED_EVENT_NAMES.includes(name as string) ? `the event name "${name}" is reserved by GA4` : ''
}

/** What is wrong with a set of event parameters, or ''. */
export function paramsProblem(params: unknown, reserved: string[] = []): string {
  if (params === undefined) return ''
  if (!params || typeof params !== 'object' || Array.isArray(params))
    return 'params must be an object of names to strings or numbers'
  const entries = Object.entries(params)
  if (entries.length + reserved.length > MAX_PARAMS) {
    return `there are ${entries.length} params, but GA4 takes at most ${MAX_PARAMS} per event and the tracker adds ${reserved.length} of its own: keep ${MAX_PARAMS - reserved.length} or fewer`
  }
  for (const [name, value] of entries) {
    const problem = nameProblem(name, 'the param name')
    if (problem) return problem
    if (reserved.includes(name)) return `the param "${name}" is set by the tracker itself`
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string')
      return `the param "${name}" must be a string or a finite number`
    if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH)
      return `the param "${name}" is longer than ${MAX_VALUE_LENGTH} characters`
  }
  return ''
}

/** Cuts a value to GA4's length limit. */
export function clip(value: string): string {
  return value.length > MAX_VALUE_LENGTH ? value.slice(0, MAX_VALUE_LENGTH) : value
}

/**
 * True for a name of GA4's form: letters, digits and "_", a letter first, no reserved prefix, not too
 * long. (The reserved event names are left to GA4, which drops such events itself.)
 */
export function validName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length <= MAX_NAME_LENGTH &&
    NAME.test(name) &&
    !RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))
  )
}

/** True for event parameters GA4 takes: at most 25, each named by validName, a string of 100 characters at most or a finite number. */
export function validParams(params: unknown): params is Record<string, string | number> {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return false
  const entries = Object.entries(params)
  return (
    entries.length <= MAX_PARAMS &&
    entries.every(
      ([name, value]) =>
        validName(name) &&
        (typeof value === 'number'
          ? Number.isFinite(value)
          : typeof value === 'string' && value.length <= MAX_VALUE_LENGTH),
    )
  )
}
