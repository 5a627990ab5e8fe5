// A kept event is data that anyone able to write a file in the outbox could have written: it is read
// field by field, by GA4's rules, and leaves only for a destination that the running program itself carries.
import { clip, MEASUREMENT_ID, validName, validParams } from './ga4-rules.js'
import { keptVisit } from './session.js'
import type { Destination, QueuedEvent } from './types.js'

/** GA4 takes Measurement Protocol events up to 72 hours old. */
export const MAX_AGE_MS = 72 * 3600_000

const optionalString = (value: unknown) => value === undefined || typeof value === 'string'

/**
 * The event that value describes, rebuilt from the fields an event has, or undefined when any of them
 * breaks a rule: a name or parameter GA4 would reject, a time in the future or too far in the past, a
 * package that its own parameters do not name.
 */
export function keptEvent(value: unknown, now: number): QueuedEvent | undefined {
  const item = value as Partial<QueuedEvent> | null
  if (!item || typeof item !== 'object') return
  const { measurementId, apiSecret, endpoint, packageName, consent, ci, time, event, visit } = item
  const params = event?.params
  if (
    typeof measurementId !== 'string' ||
    !optionalString(apiSecret) ||
    !optionalString(endpoint) ||
    !optionalString(packageName) ||
    !MEASUREMENT_ID.test(measurementId) ||
    (consent !== 'opt-out' && consent !== 'opt-in') ||
    typeof ci !== 'boolean' ||
    typeof time !== 'number' ||
    !(time <= now && now - time < MAX_AGE_MS) ||
    !event ||
    !validName(event.name) ||
    !validParams(params) ||
    // Per-package opt-outs read packageName: it must be the package that the event reports.
    params.package_name !== (packageName && clip(packageName))
  )
    return
  return {
    measurementId,
    apiSecret,
    endpoint,
    packageName,
    consent,
    ci,
    notice: false,
    time,
    event: { name: event.name, params },
    visit: keptVisit(visit),
  }
}

/**
 * True when the event goes where one of the running program's own events goes: the same measurement id
 * and secret, and the same collector or Google's.
 */
export function carriedDestination(item: Destination, carried: Destination[]): boolean {
  return carried.some(
    (own) =>
      own.measurementId === item.measurementId &&
      own.apiSecret === item.apiSecret &&
      (item.endpoint === undefined || item.endpoint === own.endpoint),
  )
}
