// GA4's documented rules for what the collector receives, as pure functions. Each finding is a
// ValidationMessage shaped like the answer of Google's Measurement Protocol validation server
// (POST /debug/mp/collect): { fieldPath, description, validationCode }.
//
// Sources: "Validate events" and "Measurement Protocol reference / limitations" on
// developers.google.com/analytics/devguides/collection/protocol/ga4, and GA4's "Event collection limits".
// Descriptions follow Google's wording where it is known ("Event at index: [0] has invalid name
// [_badEventName]. Names must start with an alphabetic character."). This file does NOT share code
// with the tracker in packages/core on purpose: it is the independent referee of what the tracker sends.
//
// Stricter than Google, on purpose (Google accepts these silently, and the events then vanish):
// - the measurement ID must look like G-XXXX (Google's validation server does not check it);
// - api_secret must be present on the Measurement Protocol (Google drops the events without it);
// - our tracker's client ID must be a UUID v4;
// - Measurement Protocol events need session_id and engagement_time_msec >= 1 for GA4 reports.

export type ValidationCode =
  | 'VALUE_INVALID'
  | 'VALUE_REQUIRED'
  | 'NAME_INVALID'
  | 'NAME_RESERVED'
  | 'VALUE_OUT_OF_BOUNDS'
  | 'EXCEEDED_MAX_ENTITIES'
  | 'NAME_DUPLICATED'

export interface ValidationMessage {
  fieldPath: string
  description: string
  validationCode: ValidationCode | string
}

/** An event as the collector parsed it, before anything is known to be valid. */
export interface EventInput {
  name: unknown
  params: unknown
  timestampMicros?: unknown
}

/** One gtag event line as its raw key/value pairs, in order (keeps duplicates). */
export type GtagLine = Array<[string, string]>

export const LIMITS = {
  eventsPerRequest: 25,
  paramsPerEvent: 25,
  nameLength: 40,
  valueLength: 100,
  /** GA4's documented exceptions to the 100-character value limit. */
  longValues: { page_location: 1000, page_referrer: 420, page_title: 300 } as Record<string, number>,
  /** How far back an event may be dated (72 hours), and how far ahead we tolerate clock skew. */
  maxAgeMicros: 72 * 3600 * 1e6,
  maxFutureMicros: 15 * 60 * 1e6,
} as const

export const RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
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
])

export const RESERVED_PREFIXES: readonly string[] = ['_', 'firebase_', 'ga_', 'google_', 'gtag.']

/** Top-level fields of a Measurement Protocol body; Google's JSON parser refuses any other. */
const MP_BODY_FIELDS = new Set([
  'client_id',
  'user_id',
  'app_instance_id',
  'timestamp_micros',
  'user_properties',
  'user_data',
  'consent',
  'non_personalized_ads',
  'events',
  'user_location',
  'device',
  'ip_override',
  'validation_behavior',
])
const MP_EVENT_FIELDS = new Set(['name', 'params', 'timestamp_micros'])

const MEASUREMENT_ID = /^G-[A-Z0-9]+$/
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i
const NEEDED_FOR_REPORTS =
  'needed for GA4 reports (Realtime, sessions, engagement); Google accepts the event without it, but it does not count'

function message(fieldPath: string, validationCode: ValidationCode, description: string): ValidationMessage {
  return { fieldPath, description, validationCode }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// ---------------------------------------------------------------- names

/** Why a name breaks GA4's naming rules ('' if it does not), and the code for it. */
function nameFault(name: string): { code: ValidationCode; why: string } | undefined {
  if (!/^[A-Za-z]/.test(name)) return { code: 'NAME_INVALID', why: 'Names must start with an alphabetic character.' }
  if (!/^[A-Za-z0-9_]+$/.test(name))
    return { code: 'NAME_INVALID', why: 'Only alphanumeric characters and underscores are allowed.' }
  if (name.length > LIMITS.nameLength)
    return { code: 'NAME_INVALID', why: `Names must be ${LIMITS.nameLength} characters or fewer.` }
  const prefix = RESERVED_PREFIXES.find((p) => name.startsWith(p))
  if (prefix) return { code: 'NAME_RESERVED', why: `Names must not start with [${prefix}], which is reserved.` }
  return undefined
}

export function checkEventName(name: unknown, index: number): ValidationMessage[] {
  const path = `events[${index}].name`
  if (name === undefined || name === null || name === '')
    return [message(path, 'VALUE_REQUIRED', `Event at index: [${index}] has no name.`)]
  if (typeof name !== 'string')
    return [message(path, 'VALUE_INVALID', `Event at index: [${index}] has a name that is not a string.`)]
  const fault = nameFault(name)
  if (fault) return [message(path, fault.code, `Event at index: [${index}] has invalid name [${name}]. ${fault.why}`)]
  if (RESERVED_EVENT_NAMES.has(name))
    return [message(path, 'NAME_RESERVED', `Event at index: [${index}] has name [${name}] which is reserved.`)]
  return []
}

// ---------------------------------------------------------------- params

function checkParamValue(name: string, value: unknown, index: number): ValidationMessage[] {
  const path = `events[${index}].params.${name}`
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? []
      : [
          message(
            path,
            'VALUE_INVALID',
            `Event at index: [${index}] has parameter [${name}] with a value that is not a finite number.`,
          ),
        ]
  }
  if (typeof value !== 'string') {
    return [
      message(
        path,
        'VALUE_INVALID',
        `Event at index: [${index}] has parameter [${name}] with a value that is neither a string nor a number.`,
      ),
    ]
  }
  const max = LIMITS.longValues[name] ?? LIMITS.valueLength
  const length = [...value].length
  if (length > max) {
    return [
      message(
        path,
        'VALUE_OUT_OF_BOUNDS',
        `Event at index: [${index}] has parameter [${name}] with a value of ${length} characters. Values must be ${max} characters or fewer.`,
      ),
    ]
  }
  return []
}

export function checkParams(params: unknown, index: number): ValidationMessage[] {
  if (params === undefined) return []
  if (!isRecord(params))
    return [
      message(
        `events[${index}].params`,
        'VALUE_INVALID',
        `Event at index: [${index}] has params that are not an object.`,
      ),
    ]
  const problems: ValidationMessage[] = []
  const names = Object.keys(params)
  if (names.length > LIMITS.paramsPerEvent) {
    problems.push(
      message(
        `events[${index}].params`,
        'EXCEEDED_MAX_ENTITIES',
        `Event at index: [${index}] has [${names.length}] parameters. An event can have at most ${LIMITS.paramsPerEvent} parameters.`,
      ),
    )
  }
  for (const name of names) {
    const fault = nameFault(name)
    if (fault)
      problems.push(
        message(
          `events[${index}].params.${name}`,
          fault.code,
          `Event at index: [${index}] has parameter with invalid name [${name}]. ${fault.why}`,
        ),
      )
    else problems.push(...checkParamValue(name, params[name], index))
  }
  return problems
}

// ---------------------------------------------------------------- events

export function checkEventCount(count: number): ValidationMessage[] {
  if (count === 0)
    return [message('events', 'VALUE_REQUIRED', 'The request has no events. A request needs at least one event.')]
  if (count > LIMITS.eventsPerRequest) {
    return [
      message(
        'events',
        'EXCEEDED_MAX_ENTITIES',
        `The request has [${count}] events. A request can have at most ${LIMITS.eventsPerRequest} events.`,
      ),
    ]
  }
  return []
}

/** Measurement Protocol events without session_id and engagement_time_msec >= 1 never reach GA4's reports. */
export function checkReportingParams(event: EventInput, index: number): ValidationMessage[] {
  const params = isRecord(event.params) ? event.params : {}
  const problems: ValidationMessage[] = []
  const sessionId = params.session_id
  if (sessionId === undefined || sessionId === '') {
    problems.push(
      message(
        `events[${index}].params.session_id`,
        'VALUE_REQUIRED',
        `Event at index: [${index}] has no parameter [session_id], ${NEEDED_FOR_REPORTS}.`,
      ),
    )
  }
  const engagement = params.engagement_time_msec
  if (engagement === undefined || engagement === '') {
    problems.push(
      message(
        `events[${index}].params.engagement_time_msec`,
        'VALUE_REQUIRED',
        `Event at index: [${index}] has no parameter [engagement_time_msec], ${NEEDED_FOR_REPORTS}.`,
      ),
    )
  } else if (!(Number(engagement) >= 1)) {
    problems.push(
      message(
        `events[${index}].params.engagement_time_msec`,
        'VALUE_REQUIRED',
        `Event at index: [${index}] has parameter [engagement_time_msec] = [${String(engagement)}]; a number >= 1 is ${NEEDED_FOR_REPORTS}.`,
      ),
    )
  }
  return problems
}

/** timestamp_micros: an integer number of microseconds, at most 72 hours old, not in the future. */
export function checkTimestamp(value: unknown, fieldPath: string, now: number): ValidationMessage[] {
  if (value === undefined) return []
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return [
      message(
        fieldPath,
        'VALUE_INVALID',
        `[${String(value)}] is not a timestamp in microseconds (a non-negative integer).`,
      ),
    ]
  }
  const nowMicros = now * 1000
  if (value < nowMicros - LIMITS.maxAgeMicros || value > nowMicros + LIMITS.maxFutureMicros) {
    return [
      message(
        fieldPath,
        'VALUE_OUT_OF_BOUNDS',
        `Timestamp [${value}] is not within the last 72 hours (now is ${nowMicros} microseconds). Is it in milliseconds or nanoseconds?`,
      ),
    ]
  }
  return []
}

// ---------------------------------------------------------------- ids

export function checkMeasurementId(value: unknown, fieldPath: string): ValidationMessage[] {
  if (value === undefined || value === '')
    return [message(fieldPath, 'VALUE_REQUIRED', 'A measurement ID (G-XXXXXXXXXX) is required.')]
  const id = String(value)
  if (/^UA-/i.test(id)) {
    return [
      message(
        fieldPath,
        'VALUE_INVALID',
        `Measurement ID [${id}] is a Universal Analytics property ID; GA4 takes a measurement ID of the form G-XXXXXXXXXX.`,
      ),
    ]
  }
  if (!MEASUREMENT_ID.test(id))
    return [message(fieldPath, 'VALUE_INVALID', `Measurement ID [${id}] is not of the form G-XXXXXXXXXX.`)]
  return []
}

/** Present (Google's rule), and a UUID v4 (our tracker's rule: a separate message). */
export function checkClientId(value: unknown, fieldPath: string): ValidationMessage[] {
  if (value === undefined || value === '') return [message(fieldPath, 'VALUE_REQUIRED', 'A client ID is required.')]
  if (typeof value !== 'string') return [message(fieldPath, 'VALUE_INVALID', 'The client ID must be a string.')]
  if (!UUID_V4.test(value))
    return [
      message(fieldPath, 'VALUE_INVALID', `Client ID [${value}] is not a UUID v4, which is what our tracker sends.`),
    ]
  return []
}

// ---------------------------------------------------------------- Measurement Protocol

export interface MpInput {
  query: Record<string, string>
  /** The parsed JSON body; ignored when parseError is set. */
  payload: unknown
  /** Why the body is not JSON, if it is not. */
  parseError?: string
  /** Date.now() of the arrival, for timestamp_micros. */
  now?: number
}

function unknownFields(record: Record<string, unknown>, known: Set<string>, at: string): ValidationMessage[] {
  return Object.keys(record)
    .filter((key) => !known.has(key))
    .map((key) =>
      message(
        at ? `${at}.${key}` : key,
        'VALUE_INVALID',
        `Unable to parse Measurement Protocol JSON payload. ${at ? `(${at}) ` : ''}${key}: Cannot find field.`,
      ),
    )
}

function checkMpEvent(event: unknown, index: number, now: number): ValidationMessage[] {
  if (!isRecord(event))
    return [message(`events[${index}]`, 'VALUE_INVALID', `Event at index: [${index}] is not an object.`)]
  return [
    ...unknownFields(event, MP_EVENT_FIELDS, `events[${index}]`),
    ...checkEventName(event.name, index),
    ...checkParams(event.params, index),
    ...checkTimestamp(event.timestamp_micros, `events[${index}].timestamp_micros`, now),
    ...checkReportingParams({ name: event.name, params: event.params }, index),
  ]
}

/** POST /mp/collect and /debug/mp/collect. */
export function validateMp({ query, payload, parseError, now = Date.now() }: MpInput): ValidationMessage[] {
  const problems = [...checkMeasurementId(query.measurement_id, 'measurement_id')]
  if (!query.api_secret)
    problems.push(
      message(
        'api_secret',
        'VALUE_REQUIRED',
        'An api_secret is required on /mp/collect; Google drops events without it.',
      ),
    )
  if (parseError !== undefined)
    return [
      ...problems,
      message('', 'VALUE_INVALID', `Unable to parse Measurement Protocol JSON payload. ${parseError}`),
    ]
  if (!isRecord(payload))
    return [
      ...problems,
      message('', 'VALUE_INVALID', 'Unable to parse Measurement Protocol JSON payload. The body is not a JSON object.'),
    ]
  problems.push(...unknownFields(payload, MP_BODY_FIELDS, ''), ...checkClientId(payload.client_id, 'client_id'))
  problems.push(...checkTimestamp(payload.timestamp_micros, 'timestamp_micros', now))
  if (payload.events !== undefined && !Array.isArray(payload.events))
    return [...problems, message('events', 'VALUE_INVALID', 'events must be an array.')]
  const events: unknown[] = (payload.events as unknown[] | undefined) ?? []
  return [
    ...problems,
    ...checkEventCount(events.length),
    ...events.flatMap((event, index) => checkMpEvent(event, index, now)),
  ]
}

// ---------------------------------------------------------------- gtag

export interface GtagInput {
  query: Record<string, string>
  /** The event lines as raw pairs: body lines, or the query itself when the body is empty. */
  lines: GtagLine[]
  /** The same lines as parsed events (shared ep.* of the query merged in). */
  events: EventInput[]
}

function checkGtagQuery(query: Record<string, string>): ValidationMessage[] {
  const problems: ValidationMessage[] = []
  if (!query.v) problems.push(message('v', 'VALUE_REQUIRED', 'The protocol version v=2 is required.'))
  else if (query.v !== '2')
    problems.push(message('v', 'VALUE_INVALID', `Protocol version [${query.v}] is not 2 (GA4).`))
  problems.push(...checkMeasurementId(query.tid, 'tid'), ...checkClientId(query.cid, 'cid'))
  if (!query.sid) problems.push(message('sid', 'VALUE_REQUIRED', 'A session ID (sid) is required.'))
  else if (!/^\d+$/.test(query.sid))
    problems.push(
      message('sid', 'VALUE_INVALID', `Session ID [${query.sid}] is not a number (seconds since the epoch).`),
    )
  return problems
}

/** Wire-level faults of one line: no en, a param named twice (ep.x and epn.x count as the same). */
function checkGtagLine(line: GtagLine, index: number): ValidationMessage[] {
  const problems: ValidationMessage[] = []
  if (!line.some(([key, value]) => key === 'en' && value)) {
    problems.push(
      message(`events[${index}].name`, 'VALUE_REQUIRED', `Event at index: [${index}] has no event name (en).`),
    )
  }
  const seen = new Set<string>()
  for (const [key] of line) {
    const name = /^epn?\.(.*)$/.exec(key)?.[1]
    if (name === undefined) continue
    if (seen.has(name))
      problems.push(
        message(
          `events[${index}].params.${name}`,
          'NAME_DUPLICATED',
          `Event at index: [${index}] has parameter [${name}] more than once.`,
        ),
      )
    seen.add(name)
  }
  return problems
}

/** POST or GET /g/collect. */
export function validateGtag({ query, lines, events }: GtagInput): ValidationMessage[] {
  return [
    ...checkGtagQuery(query),
    ...lines.flatMap((line, index) => checkGtagLine(line, index)),
    ...checkEventCount(events.length),
    // A missing en is reported by checkGtagLine, with the gtag field's name.
    ...events.flatMap((event, index) => [
      ...(event.name ? checkEventName(event.name, index) : []),
      ...checkParams(event.params, index),
    ]),
  ]
}
