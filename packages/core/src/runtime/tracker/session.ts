// GA4 sessions across runs, as gtag.js keeps them across page loads: one session per machine (per browser
// origin in a browser), which lasts while runs keep coming within 30 minutes. Each GA4 property (measurement
// id) counts its own sessions (sct), and learns of the client's first visit (_fv) and of each session's start
// (_ss) from the first event it gets in them: the property of a library used for the first time on a machine
// where other libraries ran before must still see a new user. Pure rules over a stored state: the server
// keeps it in config.json (machine-session.ts), the browser in localStorage (browser.ts).
import type { QueuedEvent, Visit } from './types.js'

/** GA4's default session timeout. */
export const SESSION_TIMEOUT_MS = 30 * 60_000
/** The last activity is recorded to the minute: runs in a burst read the session and write nothing. */
export const ACTIVITY_STEP_MS = 60_000

interface Session {
  id: number
  lastActivity: number
}

interface PropertySessions {
  /** The session the property was last told of. */
  sessionId: number
  sessionCount: number
}

export interface SessionsAdvanced {
  state: { session: Session; properties: Record<string, PropertySessions> }
  /** What each measurement id is told by this run. */
  visits: Record<string, Visit>
  /** Whether the state must be written back. */
  changed: boolean
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const isRecord = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value)

/**
 * The state after a run at `now` that sends to these measurement ids, and what each of them is told. The
 * stored state (config.json's fields of the same names) is read as untrusted: anything can be in a file.
 * `properties` is absent in a state kept before sessions were: its properties have seen the client id already.
 */
export function advanceSessions(
  stored: Record<string, unknown>,
  measurementIds: string[],
  now: number,
): SessionsAdvanced {
  const { id, lastActivity } = isRecord(stored.session) ? stored.session : {}
  const idle = isNumber(id) && isNumber(lastActivity) ? now - lastActivity : Number.NaN
  // A last activity in the future (a clock set back) keeps the session only as long as one in the past would.
  const alive = Math.abs(idle) < SESSION_TIMEOUT_MS
  // A new session's id is the second it starts, and never one that was used: a clock set back could repeat it.
  let session = { id: Math.max(Math.floor(now / 1000), isNumber(id) ? id + 1 : 0), lastActivity: now }
  if (alive) session = { id: id as number, lastActivity: idle < ACTIVITY_STEP_MS ? (lastActivity as number) : now }
  let changed = session.lastActivity === now
  const properties: Record<string, PropertySessions> = isRecord(stored.properties)
    ? { ...(stored.properties as Record<string, PropertySessions>) }
    : {}
  const visits: Record<string, Visit> = {}
  for (const measurementId of measurementIds) {
    if (visits[measurementId]) continue
    const told = properties[measurementId]
    const known = isRecord(told) && isNumber(told.sessionId) && isNumber(told.sessionCount)
    const sessionStart = !known || told.sessionId !== session.id
    if (sessionStart) {
      properties[measurementId] = { sessionId: session.id, sessionCount: (known ? told.sessionCount : 0) + 1 }
      changed = true
    }
    visits[measurementId] = {
      sessionId: session.id,
      sessionCount: properties[measurementId]!.sessionCount,
      sessionStart,
      firstVisit: !known && stored.properties !== undefined,
    }
  }
  return { state: { session, properties }, visits, changed }
}

/**
 * Gives each event the visit of its property: the first event of a property in this run carries what the
 * property learns now (_fv, _ss). An event carried over from an earlier run keeps what it was to tell while
 * that is still true: its first visit, and its session's start when that session goes on.
 */
export function markVisits(items: QueuedEvent[], visits: Record<string, Visit>): void {
  const marked: Record<string, boolean> = {}
  for (const item of items) {
    const visit = visits[item.measurementId]!
    const first = !marked[item.measurementId]
    const kept = item.visit
    marked[item.measurementId] = true
    item.visit = {
      sessionId: visit.sessionId,
      sessionCount: visit.sessionCount,
      sessionStart:
        (first && visit.sessionStart) || (kept?.sessionStart === true && kept.sessionId === visit.sessionId),
      firstVisit: (first && visit.firstVisit) || kept?.firstVisit === true,
    }
  }
}

/** A visit read back from a kept event, field by field: anyone able to write the file could have written it. */
export function keptVisit(value: unknown): Visit | undefined {
  if (!isRecord(value)) return
  const { sessionId, sessionCount, sessionStart, firstVisit } = value
  if (
    isNumber(sessionId) &&
    isNumber(sessionCount) &&
    typeof sessionStart === 'boolean' &&
    typeof firstVisit === 'boolean'
  )
    return { sessionId, sessionCount, sessionStart, firstVisit }
}

/** The same visits with nothing to announce: what cannot be recorded is not announced, or it would be every run. */
export function unannounced(visits: Record<string, Visit>): Record<string, Visit> {
  const quiet: Record<string, Visit> = {}
  for (const id in visits) quiet[id] = { ...visits[id]!, sessionStart: false, firstVisit: false }
  return quiet
}
