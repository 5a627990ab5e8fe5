// Events whose request a program could not write before it ended: a TLS handshake with a collector
// 50 ms away takes longer than a program that only imports a library lives. They wait in a small file
// next to config.json, and the next run that sends carries them, after every "no" is checked again.
import { configDir, writeAtomically } from './config-file.js'
import { denoGranted, type ServerHost } from './host.js'
import { GOOGLE_ORIGIN } from './protocol.js'
import type { CarriedProtocol } from './shared-state.js'
import type { QueuedEvent } from './types.js'

/** At most this many events wait in each file; the oldest go first. */
const MAX_KEPT = 100
/** GA4 takes Measurement Protocol events up to 72 hours old. */
const MAX_AGE_MS = 72 * 3600_000

type Protocol = Exclude<CarriedProtocol, 'any'>

/** One file per protocol: an inlined copy of the tracker carries one protocol, and takes only its own events. */
export function outboxPath(host: ServerHost, protocol: Protocol): string {
  return configDir(host) && host.path.join(configDir(host), `outbox.${protocol}.json`)
}

const protocolOf = (item: QueuedEvent): Protocol => (item.apiSecret ? 'mp' : 'gtag')

/** A kept event that can still be sent: anything else in the file is dropped, never an error. */
function sendable(item: QueuedEvent): boolean {
  try {
    new URL(item.endpoint || GOOGLE_ORIGIN)
    return typeof item.measurementId === 'string' && typeof item.event.name === 'string' && typeof item.event.params === 'object' && Date.now() - item.time < MAX_AGE_MS
  } catch {
    return false
  }
}

/** The events in one outbox file; none when it is missing or broken. */
export function readOutbox(host: ServerHost, file: string): QueuedEvent[] {
  try {
    return (JSON.parse(host.fs.readFileSync(file, 'utf8')) as QueuedEvent[]).filter(sendable)
  } catch {
    return []
  }
}

/** Takes what earlier runs left for this copy's protocols. With peek (POPYLAR_DEBUG), leaves it in place. */
export function takeOutbox(host: ServerHost, protocol: CarriedProtocol, peek: boolean): QueuedEvent[] {
  const taken: QueuedEvent[] = []
  // Events that cannot be removed once sent would be sent again by every run (Deno without --allow-write).
  if (!peek && !denoGranted('write')) return taken
  for (const kind of protocol === 'any' ? (['gtag', 'mp'] as const) : [protocol]) {
    const file = outboxPath(host, kind)
    // Renamed first: two programs starting together cannot both take the same events.
    const mine = peek ? file : `${file}.${host.process.pid}.taken`
    try {
      if (!peek) host.fs.renameSync(file, mine)
      taken.push(...readOutbox(host, mine))
      if (!peek) host.fs.unlinkSync(mine)
    } catch {}
  }
  return taken
}

/** How many events wait, for popylar status. */
export function waitingEvents(host: ServerHost): number {
  return readOutbox(host, outboxPath(host, 'gtag')).length + readOutbox(host, outboxPath(host, 'mp')).length
}

/** Deletes every waiting event: after an opt-out, or with a new client id. */
export function discardOutbox(host: ServerHost): void {
  for (const kind of ['gtag', 'mp'] as const) host.fs.rmSync(outboxPath(host, kind), { force: true })
}

/** Adds events to the outbox. Never throws: an event that cannot be kept is dropped. */
export function keepForLater(host: ServerHost, items: QueuedEvent[]): void {
  for (const kind of ['gtag', 'mp'] as const) {
    const mine = items.filter((item) => protocolOf(item) === kind).map(({ settle, ...item }) => ({ ...item, notice: false }))
    if (!mine.length) continue
    try {
      const file = outboxPath(host, kind)
      writeAtomically(host, file, JSON.stringify([...readOutbox(host, file), ...mine].slice(-MAX_KEPT)))
    } catch {}
  }
}

let unwritten: Set<QueuedEvent[]> | undefined

/**
 * Holds a batch until its request is written (call the function returned then). A batch still held when
 * the program exits goes to the outbox; one whose request was written is never kept, even unanswered,
 * so no event arrives twice.
 */
export function holdUntilWritten(host: ServerHost, batch: QueuedEvent[]): () => void {
  if (!unwritten) {
    const held = (unwritten = new Set())
    host.process.once('exit', () => keepForLater(host, [...held].flat()))
  }
  unwritten.add(batch)
  return () => unwritten!.delete(batch)
}
