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
// - Measurement Protocol events need session_id and engagement_time_msec >= 1 for GA4 reports;
// - a gtag hit needs a browser's User-Agent header, and from a Chromium user agent its client hints, and a
//   Measurement Protocol request a device: GA4 fills its browser, OS and device dimensions from these only
//   (Angular CLI's and Nx's collectors send a user agent "needed for tech details to be collected");
// - sessions agree across requests, as GA4 joins them by client and session id: one first visit (_fv) per
//   client id and property, one start (_ss) per session, one number (sct) per session, numbers that grow.

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
  problems.push(...checkDevice(payload.device))
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
  /** The request's headers, with lower-case names. */
  headers: Record<string, string>
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
  if (!query.sct)
    problems.push(message('sct', 'VALUE_REQUIRED', "The session number (sct) is required: GA4's session count."))
  else if (!/^[1-9]\d*$/.test(query.sct))
    problems.push(message('sct', 'VALUE_INVALID', `Session number [${query.sct}] is not a number from 1.`))
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
export function validateGtag({ query, lines, events, headers }: GtagInput): ValidationMessage[] {
  return [
    ...checkGtagQuery(query),
    ...checkUserAgent(headers, query),
    ...lines.flatMap((line, index) => checkGtagLine(line, index)),
    ...checkEventCount(events.length),
    // A missing en is reported by checkGtagLine, with the gtag field's name.
    ...events.flatMap((event, index) => [
      ...(event.name ? checkEventName(event.name, index) : []),
      ...checkParams(event.params, index),
    ]),
  ]
}

// ---------------------------------------------------------------- the client: user agent, client hints, device

/** What each client hint tells GA4 (gtag.js sends them in the query, as navigator.userAgentData gives them). */
export const CLIENT_HINTS: Record<string, string> = {
  uaa: 'architecture',
  uab: 'bitness',
  uafvl: 'brands and their versions',
  uamb: 'whether the device is mobile',
  uap: 'platform (the OS)',
  uapv: 'platform version',
}
/** The platforms User-Agent Client Hints name (Sec-CH-UA-Platform). */
const HINT_PLATFORMS = new Set([
  'Android',
  'Chrome OS',
  'Chromium OS',
  'Fuchsia',
  'iOS',
  'Linux',
  'macOS',
  'Windows',
  'Unknown',
  '',
])
/** The platform part of a browser's user agent, and the hinted platforms that agree with it. */
const UA_PLATFORMS: Array<[RegExp, string[]]> = [
  [/^Mozilla\/5\.0 \(Windows/, ['Windows']],
  [/^Mozilla\/5\.0 \(Macintosh/, ['macOS']],
  [/^Mozilla\/5\.0 \(X11; CrOS/, ['Chrome OS', 'Chromium OS']],
  [/^Mozilla\/5\.0 \((X11|Linux)/, ['Linux', 'Android', 'Unknown']],
]
const BRAND_LIST = /^[^;|]+;[\d.]+(\|[^;|]+;[\d.]+)*$/
const DEVICE_FIELDS = new Set([
  'category',
  'language',
  'screen_resolution',
  'operating_system',
  'operating_system_version',
  'model',
  'brand',
  'browser',
  'browser_version',
])
const DEVICE_CATEGORIES = new Set(['desktop', 'mobile', 'tablet', 'smart tv'])
const TECH_DETAILS = "GA4's browser, OS and device dimensions stay (not set) without it"

/** The hints that agree neither with their own form nor with the user agent. */
function checkHintValues(userAgent: string, query: Record<string, string>): ValidationMessage[] {
  const problems: ValidationMessage[] = []
  const wrong = (hint: string, why: string) =>
    problems.push(message(hint, 'VALUE_INVALID', `Client hint ${hint}=[${query[hint]}] ${why}.`))
  if (query.uamb !== undefined && !/^[01]$/.test(query.uamb)) wrong('uamb', 'is not 0 or 1')
  if (query.uab !== undefined && !/^(32|64|)$/.test(query.uab)) wrong('uab', 'is not 32 or 64')
  if (query.uap !== undefined && !HINT_PLATFORMS.has(query.uap))
    wrong('uap', 'is not a platform that client hints name')
  // A platform version is numbers and dots: a kernel's build (6.8.0-45-generic) would tell more than the OS.
  if (query.uapv !== undefined && !/^(\d+(\.\d+)*)?$/.test(query.uapv)) wrong('uapv', 'is not a version')
  if (query.uafvl !== undefined && !BRAND_LIST.test(query.uafvl)) wrong('uafvl', 'is not a list of brand;version')
  const claimed = UA_PLATFORMS.find(([pattern]) => pattern.test(userAgent))?.[1]
  if (claimed && query.uap !== undefined && !claimed.includes(query.uap))
    wrong('uap', `disagrees with the user agent, which says ${claimed[0]}`)
  const chrome = /Chrome\/(\d+)\./.exec(userAgent)?.[1]
  const chromium = /(^|\|)Chromium;(\d+)\./.exec(query.uafvl ?? '')?.[2]
  if (chrome && chromium && chrome !== chromium)
    wrong('uafvl', `names Chromium ${chromium}, the user agent Chrome ${chrome}`)
  return problems
}

/**
 * gtag: a browser's User-Agent header, and with a Chromium user agent its client hints, as parameters (gtag.js)
 * or as Sec-CH-UA headers (what a Chromium browser adds to its requests). Chrome's user agent is reduced: it
 * always says Windows 10, macOS 10.15 or Linux x86_64, and GA4 takes the rest from the hints.
 */
export function checkUserAgent(headers: Record<string, string>, query: Record<string, string>): ValidationMessage[] {
  const userAgent = headers['user-agent']
  if (!userAgent)
    return [message('user-agent', 'VALUE_REQUIRED', `A gtag hit needs a User-Agent header: ${TECH_DETAILS}.`)]
  if (!/^Mozilla\/5\.0 \(/.test(userAgent))
    return [
      message(
        'user-agent',
        'VALUE_INVALID',
        `User agent [${userAgent}] is not a browser's: ${TECH_DETAILS}, and GA4 may filter the hit as a bot's.`,
      ),
    ]
  const hinted = Object.keys(CLIENT_HINTS).filter((hint) => query[hint] !== undefined)
  // HeadlessChrome/ too: Chromium's headless mode names itself so.
  const needsHints =
    /Chrome\/\d/.test(userAgent) && !headers['sec-ch-ua'] && hinted.length < Object.keys(CLIENT_HINTS).length
  const missing = needsHints
    ? Object.entries(CLIENT_HINTS)
        .filter(([hint]) => query[hint] === undefined)
        .map(([hint, what]) =>
          message(
            hint,
            'VALUE_REQUIRED',
            `Client hint [${hint}] is missing: GA4 reads a Chromium browser's ${what} from it.`,
          ),
        )
    : []
  return [...missing, ...checkHintValues(userAgent, query)]
}

/** Measurement Protocol: the device, as Google documents it (the user agent of a server's request says nothing of the user's). */
export function checkDevice(device: unknown): ValidationMessage[] {
  if (device === undefined) return [message('device', 'VALUE_REQUIRED', `The request has no device: ${TECH_DETAILS}.`)]
  if (!isRecord(device)) return [message('device', 'VALUE_INVALID', 'device must be an object.')]
  const problems = unknownFields(device, DEVICE_FIELDS, 'device')
  for (const [field, value] of Object.entries(device)) {
    if (DEVICE_FIELDS.has(field) && typeof value !== 'string')
      problems.push(message(`device.${field}`, 'VALUE_INVALID', `device.${field} must be a string.`))
  }
  if (typeof device.category === 'string' && !DEVICE_CATEGORIES.has(device.category.toLowerCase()))
    problems.push(
      message(
        'device.category',
        'VALUE_INVALID',
        `Device category [${device.category}] is none of ${[...DEVICE_CATEGORIES].join(', ')}.`,
      ),
    )
  return problems
}

// ---------------------------------------------------------------- sessions, across requests

/** What one gtag request says of its session. */
export interface SessionInput {
  measurementId: string
  clientId: string
  sid: string
  sct: string
  /** Per event: whether it carries _fv (first visit) and _ss (session start). */
  marks: Array<{ firstVisit: boolean; sessionStart: boolean }>
}

interface ClientSessions {
  firstVisit: boolean
  /** Per session id: its number, and whether its start was seen. */
  sessions: Map<string, { number: string; started: boolean }>
  latest?: string
}

/**
 * A record of the sessions seen, per property and client id, as GA4 joins them, and a check of each request
 * against it: a client's first visit is in its first session and comes once; a session starts once, keeps
 * its number, and a later session has a higher one. Requests can arrive in any order (programs that run
 * together), so no rule depends on it. Problems are those of the request that breaks the record.
 */
export function createSessionLedger(): (input: SessionInput) => ValidationMessage[] {
  const clients = new Map<string, ClientSessions>()
  return ({ measurementId, clientId, sid, sct, marks }) => {
    if (!/^\d+$/.test(sid) || !/^[1-9]\d*$/.test(sct) || !clientId) return []
    const key = `${measurementId} ${clientId}`
    const client: ClientSessions = clients.get(key) ?? { firstVisit: false, sessions: new Map() }
    clients.set(key, client)
    const problems: ValidationMessage[] = []
    const session = client.sessions.get(sid)
    if (session && session.number !== sct)
      problems.push(message('sct', 'VALUE_INVALID', `Session [${sid}] was number ${session.number}, now ${sct}.`))
    const latest = client.latest ? client.sessions.get(client.latest) : undefined
    if (!session && latest && Number(sid) > Number(client.latest) && Number(sct) <= Number(latest.number))
      problems.push(
        message(
          'sct',
          'VALUE_INVALID',
          `Session [${sid}] is number ${sct}, but an earlier session [${client.latest}] was number ${latest.number}.`,
        ),
      )
    let started = session?.started ?? false
    marks.forEach(({ firstVisit, sessionStart }, index) => {
      if (firstVisit && client.firstVisit)
        problems.push(
          message(
            `events[${index}]._fv`,
            'VALUE_INVALID',
            `Client [${clientId}] has a first visit again: GA4 counts a new user each time.`,
          ),
        )
      if (firstVisit && sct !== '1')
        problems.push(
          message(`events[${index}]._fv`, 'VALUE_INVALID', `A first visit in session number ${sct}, not 1.`),
        )
      if (sessionStart && started)
        problems.push(message(`events[${index}]._ss`, 'VALUE_INVALID', `Session [${sid}] starts again.`))
      client.firstVisit ||= firstVisit
      started ||= sessionStart
    })
    client.sessions.set(sid, { number: session?.number ?? sct, started })
    if (!client.latest || Number(sid) > Number(client.latest)) client.latest = sid
    return problems
  }
}
