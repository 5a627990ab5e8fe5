// Events whose request a program could not write before it ended: a TLS handshake with a collector
// 50 ms away takes longer than a program that only imports a library lives. They wait in a folder
// next to config.json, and the next run that sends carries them, after every "no" is checked again.
import { configDir, writeAtomically } from './config-file.js'
import { denoGranted, type ServerHost } from './host.js'
import { collectUrl } from './protocol.js'
import type { CarriedProtocol } from '../stub/shared-state.js'
import type { QueuedEvent } from './types.js'

/** At most this many events are carried by one run; the oldest are dropped. */
const MAX_CARRIED = 100
/** GA4 takes Measurement Protocol events up to 72 hours old. */
const MAX_AGE_MS = 72 * 3600_000

/** The folder of waiting events: one file per program that left some, so programs ending together never clash. */
export function outboxDir(host: ServerHost): string {
  return configDir(host) && host.path.join(configDir(host), 'outbox')
}

/** Files of one protocol's events (an inlined copy of the tracker carries one protocol, and takes only its own). */
const fileOf = (protocol: CarriedProtocol) =>
  protocol === 'any' ? /^(gtag|mp)\.[\w.]+\.json$/ : new RegExp(`^${protocol}\\.[\\w.]+\\.json$`)

/** A kept event that can still be sent: anything else in a file is dropped, never an error. */
function sendable(item: QueuedEvent): boolean {
  try {
    collectUrl(item, '')
    return (
      typeof item.measurementId === 'string' &&
      typeof item.event.name === 'string' &&
      typeof item.event.params === 'object' &&
      Date.now() - item.time < MAX_AGE_MS
    )
  } catch {
    return false
  }
}

function readEvents(host: ServerHost, file: string): QueuedEvent[] {
  try {
    return (JSON.parse(host.fs.readFileSync(file, 'utf8')) as QueuedEvent[]).filter(sendable)
  } catch {
    return []
  }
}

function waitingFiles(host: ServerHost, protocol: CarriedProtocol): string[] {
  try {
    return host.fs.readdirSync(outboxDir(host)).filter((name) => fileOf(protocol).test(name))
  } catch {
    return []
  }
}

/** Takes what earlier runs left for this copy's protocol. With peek (POPYLAR_DEBUG), leaves it in place. */
export function takeOutbox(host: ServerHost, protocol: CarriedProtocol, peek: boolean): QueuedEvent[] {
  // Events that cannot be removed once sent would be sent again by every run (Deno without --allow-write).
  if (!peek && !denoGranted('write')) return []
  const taken: QueuedEvent[] = []
  for (const name of waitingFiles(host, protocol)) {
    const file = host.path.join(outboxDir(host), name)
    // Renamed first: two programs starting together cannot both take the same events.
    const mine = peek ? file : `${file}.${host.process.pid}.taken`
    try {
      if (!peek) host.fs.renameSync(file, mine)
      taken.push(...readEvents(host, mine))
      if (!peek) host.fs.unlinkSync(mine)
    } catch {}
  }
  return taken.sort((a, b) => a.time - b.time).slice(-MAX_CARRIED)
}

/** How many events wait, for popylar status. */
export function waitingEvents(host: ServerHost): number {
  return waitingFiles(host, 'any').reduce(
    (count, name) => count + readEvents(host, host.path.join(outboxDir(host), name)).length,
    0,
  )
}

/** Deletes every waiting event: after an opt-out, or with a new client id. */
export function discardOutbox(host: ServerHost): void {
  if (outboxDir(host)) host.fs.rmSync(outboxDir(host), { recursive: true, force: true })
}

/** Writes events to a file of their own in the outbox. Never throws: an event that cannot be kept is dropped. */
export function keepForLater(host: ServerHost, items: QueuedEvent[]): void {
  // No config folder (no home): nothing could have been sent, and nothing may land in the working directory.
  if (!outboxDir(host)) return
  for (const protocol of ['gtag', 'mp'] as const) {
    const mine = items
      .filter((item) => (item.apiSecret ? 'mp' : 'gtag') === protocol)
      .map(({ settle, ...item }) => ({ ...item, notice: false }))
    if (!mine.length) continue
    try {
      const name = `${protocol}.${host.process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.json`
      writeAtomically(host, host.path.join(outboxDir(host), name), JSON.stringify(mine))
    } catch {}
  }
}

/** Batches whose request is not written yet, with the host that sends them. */
let unwritten: { host: ServerHost; batches: Set<QueuedEvent[]> } | undefined

/**
 * Holds a batch until its request is written (call the function returned then). A batch still held when
 * the program exits is kept by keepUnwritten; one whose request was written is never kept, even
 * unanswered, so no event arrives twice.
 */
export function holdUntilWritten(host: ServerHost, batch: QueuedEvent[]): () => void {
  unwritten ??= { host, batches: new Set() }
  const held = unwritten.batches.add(batch)
  return () => held.delete(batch)
}

/** At exit: the batches still held go to the outbox. */
export function keepUnwritten(): void {
  if (unwritten) keepForLater(unwritten.host, [...unwritten.batches].flat())
}
