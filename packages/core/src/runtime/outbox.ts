// Events a program could not get out before it exited wait here, and a later run carries them.
import { configDir } from './config-file.js'
import { denoGranted, type ServerHost } from './host.js'
import type { QueuedEvent } from './types.js'

/** GA4 takes events up to 72 hours old. */
const MAX_AGE_MS = 72 * 3600 * 1000
const MAX_EVENTS = 100

function isQueuedEvent(value: unknown): value is QueuedEvent {
  const item = value as QueuedEvent
  return !!item && typeof item.measurementId === 'string' && typeof item.time === 'number' && !!item.event && typeof item.event.name === 'string' && !!item.event.params && typeof item.event.params === 'object'
}

/** Saves events for a later run: one new file per process, so concurrent programs never clash. */
export function saveToOutbox(host: ServerHost, events: QueuedEvent[]): void {
  if (!events.length || !denoGranted('write')) return
  try {
    const { fs, path } = host
    const dir = configDir(host)
    const file = path.join(dir, `outbox-${host.process.pid}-${host.crypto.randomBytes(4).toString('hex')}.json`)
    const kept = events.slice(0, MAX_EVENTS).map(({ settle, ...event }) => event)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(file + '.tmp', JSON.stringify(kept), { mode: 0o600 })
    fs.renameSync(file + '.tmp', file)
  } catch {}
}

/** Takes every waiting event out of the outbox; a rename claims each file, so no two runs send the same event. */
export function takeFromOutbox(host: ServerHost, now: number): QueuedEvent[] {
  const { fs, path } = host
  const dir = configDir(host)
  const taken: QueuedEvent[] = []
  let names: string[]
  try {
    names = fs.readdirSync(dir).filter((name) => /^outbox-[\w-]+\.json$/.test(name))
  } catch {
    return taken
  }
  for (const name of names) {
    const file = path.join(dir, name)
    const claimed = `${file}.${host.process.pid}.sending`
    try {
      fs.renameSync(file, claimed)
    } catch {
      continue
    }
    try {
      const events: unknown = JSON.parse(fs.readFileSync(claimed, 'utf8'))
      if (Array.isArray(events)) for (const event of events) if (isQueuedEvent(event) && now - event.time < MAX_AGE_MS) taken.push(event)
    } catch {}
    try {
      fs.unlinkSync(claimed)
    } catch {}
    if (taken.length >= MAX_EVENTS) break
  }
  return taken
}
