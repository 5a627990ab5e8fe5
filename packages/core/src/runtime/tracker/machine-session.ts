// The client id and the sessions of a machine, kept in the user's config.json for every library on it.
import { configDir, newClientId, readConfig, writeConfig, type ConfigData, type ConfigRead } from './config-file.js'
import { withConfigLock } from './config-lock.js'
import type { ServerHost } from './host.js'
import { mayWrite } from './safe-write.js'
import { advanceSessions, markVisits, unannounced } from './session.js'
import type { QueuedEvent, Visit } from './types.js'

/** How long a run may wait for another program to finish writing config.json (each takes well under 1 ms). */
const LOCK_WAIT_MS = 20

/**
 * Records a run in config.json, from what the file holds by then (another program may have moved the session
 * since it was read), and returns what each property is told; undefined when that cannot be done.
 */
function recordRun(host: ServerHost, measurementIds: string[], now: number): Record<string, Visit> | undefined {
  try {
    return withConfigLock(host, LOCK_WAIT_MS, () => {
      const latest = readConfig(host)
      if (!latest.ok || !latest.data.clientId) return
      const next = advanceSessions(latest.data, measurementIds, now)
      if (next.changed) writeConfig(host, { ...latest.data, ...next.state })
      return next.visits
    })
  } catch {}
}

/**
 * For a run that cannot be recorded: the session recorded last, as if the run came at its last activity, with
 * nothing announced. Else every such run would announce again, and number a session that nobody records.
 */
function unrecorded(data: ConfigData, measurementIds: string[], now: number): Record<string, Visit> {
  const { lastActivity } = (data.session ?? {}) as { lastActivity?: unknown }
  return unannounced(
    advanceSessions(data, measurementIds, typeof lastActivity === 'number' ? lastActivity : now).visits,
  )
}

/**
 * Gives the events their visits (see session.ts) and returns the client id; undefined when the config cannot
 * be trusted or written: then nothing may be sent. A new client id goes into the file with its first session
 * in one exclusive write, so that programs starting together on a fresh machine agree on both, and only the
 * first announces them. With record false (POPYLAR_DEBUG), the visits are worked out as a real run would,
 * and only a new client id is written.
 */
export function joinSession(
  host: ServerHost,
  read: ConfigRead,
  items: QueuedEvent[],
  record: boolean,
): string | undefined {
  // A program that may not write its config folder (Node's or Deno's permissions) sends nothing, even with a client id already there.
  if (!read.ok || !mayWrite(host, configDir(host))) return
  const ids = items.map((item) => item.measurementId)
  const now = Date.now()
  let data = read.data
  if (!data.clientId) {
    // properties: {} rather than none: every property is yet to see this client id.
    const created = { ...data, clientId: newClientId(host), properties: {} }
    const first = advanceSessions(created, ids, now)
    if (writeConfig(host, record ? { ...created, ...first.state } : created, !read.exists)) {
      markVisits(items, first.visits)
      return created.clientId
    }
    // Another program was first: join what it wrote.
    const again = readConfig(host)
    if (!again.ok || !again.data.clientId) return
    data = again.data
  }
  const next = advanceSessions(data, ids, now)
  const recorded = record && next.changed ? recordRun(host, ids, now) : next.visits
  markVisits(items, recorded ?? unrecorded(data, ids, now))
  return data.clientId
}
