// Events whose request a program could not write before it ended: a TLS handshake with a collector
// 50 ms away takes longer than a program that only imports a library lives. They wait in a folder
// next to config.json, and the next run that sends to the same place carries them, after every "no"
// is checked again. The folder is never listed: a run looks only at the few names its own
// destinations give, so whatever else lies there costs nothing.
import { configDir } from './config-file.js'
import { denoGranted, type ServerHost } from './host.js'
import { carriedDestination, keptEvent } from './kept-event.js'
import { makePrivateFolders, privateFolder, writeToFreeName } from './safe-write.js'
import type { Destination, QueuedEvent } from './types.js'

/** At most this many events are carried by one run; the oldest are dropped. */
const MAX_CARRIED = 100
/** Files per destination: as many programs may end at once with events for it. */
const SLOTS = 16
/** A file written by a run stays below this size; a larger one is not ours, and is deleted unread. */
const MAX_FILE_BYTES = 65_536

/** The folder of waiting events. */
export function outboxDir(host: ServerHost): string {
  return configDir(host) && host.path.join(configDir(host), 'outbox')
}

/** The file names of a destination's events: gtag.G-XXXX.0.json … mp.G-XXXX.15.json. */
function slotFiles(host: ServerHost, destination: Destination): string[] {
  const prefix = host.path.join(
    outboxDir(host),
    `${destination.apiSecret ? 'mp' : 'gtag'}.${destination.measurementId}`,
  )
  return Array.from({ length: SLOTS }, (_, slot) => `${prefix}.${slot}.json`)
}

/** The events of one file; a file that is not a small regular file of ours is deleted (a link, not its target) or skipped. */
function readEvents(host: ServerHost, file: string, take: boolean): QueuedEvent[] {
  const { fs } = host
  const stat = fs.lstatSync(file)
  if (!stat.isFile() || stat.size > MAX_FILE_BYTES) {
    if (!stat.isDirectory()) fs.unlinkSync(file)
    return []
  }
  // Renamed first: two programs starting together cannot both take the same events.
  const mine = take ? `${file}.${host.process.pid}.taken` : file
  if (take) fs.renameSync(file, mine)
  try {
    const list = JSON.parse(fs.readFileSync(mine, 'utf8'))
    const now = Date.now()
    return Array.isArray(list) ? list.map((value) => keptEvent(value, now)).filter((item) => !!item) : []
  } catch {
    return []
  } finally {
    if (take) fs.unlinkSync(mine)
  }
}

/** The events given, in groups that each go to one destination. */
function byDestination<T extends Destination>(items: T[]): T[][] {
  const groups: Record<string, T[]> = {}
  for (const item of items) {
    const key = [item.measurementId, item.apiSecret, item.endpoint].join(' ')
    groups[key] ??= []
    groups[key].push(item)
  }
  return Object.values(groups)
}

/**
 * Takes what earlier runs left for the destinations of the events given (the running program's own):
 * an event for any other destination is never sent from here. With peek (POPYLAR_DEBUG), leaves it in place.
 */
export function takeOutbox(host: ServerHost, own: Destination[], peek: boolean): QueuedEvent[] {
  // Events that cannot be removed once sent would be sent again by every run (Deno without --allow-write).
  if (!own.length || (!peek && !denoGranted('write')) || !privateFolder(host, outboxDir(host))) return []
  const taken: QueuedEvent[] = []
  for (const [destination] of byDestination(own)) {
    for (const file of slotFiles(host, destination!)) {
      if (taken.length >= MAX_CARRIED) break
      try {
        taken.push(...readEvents(host, file, !peek).filter((item) => carriedDestination(item, own)))
      } catch {}
    }
  }
  return taken.sort((a, b) => a.time - b.time).slice(-MAX_CARRIED)
}

/** How many events wait, for popylar status (whichever library they are for). */
export function waitingEvents(host: ServerHost): number {
  const dir = outboxDir(host)
  if (!privateFolder(host, dir)) return 0
  let count = 0
  for (const name of host.fs.readdirSync(dir)) {
    if (!/^(gtag|mp)\.G-\w+\.\d+\.json$/.test(name)) continue
    try {
      count += readEvents(host, host.path.join(dir, name), false).length
    } catch {}
  }
  return count
}

/** Deletes every waiting event: after an opt-out, or with a new client id. */
export function discardOutbox(host: ServerHost): void {
  if (outboxDir(host)) host.fs.rmSync(outboxDir(host), { recursive: true, force: true })
}

/** Writes events to a file of their own in the outbox. Never throws: an event that cannot be kept is dropped. */
export function keepForLater(host: ServerHost, items: QueuedEvent[]): void {
  const dir = outboxDir(host)
  // No config folder (no home): nothing could have been sent, and nothing may land in the working directory.
  if (!dir || !items.length) return
  try {
    makePrivateFolders(host, [host.path.dirname(configDir(host)), configDir(host), dir])
    if (!privateFolder(host, dir)) return
    for (const group of byDestination(items)) {
      const mine = group.slice(-MAX_CARRIED).map(({ settle, ...item }) => ({ ...item, notice: false }))
      let text = JSON.stringify(mine)
      // The oldest events make way (3 bytes a character at most): a file that a reader would delete unread is never written.
      while (text.length * 3 > MAX_FILE_BYTES) {
        mine.shift()
        text = JSON.stringify(mine)
      }
      if (mine.length) writeToFreeName(host, slotFiles(host, group[0]!), text)
    }
  } catch {}
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
