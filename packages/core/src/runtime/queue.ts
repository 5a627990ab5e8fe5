// The process-wide queue: one event per package per process, however many copies of the tracker
// are loaded; events for one measurement id go out together, after the import has returned.
import { browserClientId, browserRefusal, sendFromBrowser } from './browser.js'
import { ensureClientId, readConfig } from './config-file.js'
import { envFlag, isCI, machineRefusal, packageRefusal } from './consent.js'
import { MAX_EVENTS_PER_REQUEST } from './ga4-rules.js'
import { detectHost, runtimeParams, type Host, type ServerHost } from './host.js'
import { showNoticeOnce } from './notice.js'
import { saveToOutbox, takeFromOutbox } from './outbox.js'
import { buildRequest, type CollectRequest } from './protocol.js'
import { sendFromServer } from './send-server.js'
import type { QueuedEvent } from './types.js'

interface SharedState {
  /** Keys of the packages already counted in this process. */
  seen: Record<string, 1>
  queue: QueuedEvent[]
  scheduled: boolean
  /** Sent but not yet written to a socket: saved to the outbox if the program exits first. */
  unsent: QueuedEvent[]
  exitHooked: boolean
  sessionId: number
}

// Symbol.for: every copy of the tracker in the process (ESM and CJS builds, several libraries) shares it.
const STATE = Symbol.for('popylar.state.v1')

function sharedState(): SharedState {
  const global = globalThis as { [STATE]?: SharedState }
  return (global[STATE] ??= { seen: {}, queue: [], scheduled: false, unsent: [], exitHooked: false, sessionId: Math.floor(Date.now() / 1000) })
}

/** Queues an event; with onceKey, only the first event with that key in this process is kept. */
export function enqueue(item: QueuedEvent, onceKey?: string): void {
  const state = sharedState()
  if (onceKey) {
    if (state.seen[onceKey]) return item.settle?.(false)
    state.seen[onceKey] = 1
  }
  state.queue.push(item)
  if (state.scheduled) return
  state.scheduled = true
  // After the importing module has finished, so that the import itself costs nothing.
  setTimeout(() => {
    state.scheduled = false
    flush(state).catch(() => {})
  }, 0)
}

function settleAll(items: QueuedEvent[], delivered: boolean): void {
  for (const item of items) item.settle?.(delivered)
}

/** Events grouped into requests: one per destination, at most 25 events each. */
function batches(items: QueuedEvent[]): QueuedEvent[][] {
  const groups = new Map<string, QueuedEvent[][]>()
  for (const item of items) {
    const key = [item.measurementId, item.apiSecret, item.endpoint].join('\n')
    const chunks = groups.get(key) ?? groups.set(key, [[]]).get(key)!
    if (chunks[chunks.length - 1]!.length === MAX_EVENTS_PER_REQUEST) chunks.push([])
    chunks[chunks.length - 1]!.push(item)
  }
  return [...groups.values()].flat()
}

/** Adds what describes the runtime, unless the event already has it (events from an earlier run). */
function describeRuntime(host: Host, items: QueuedEvent[], ci: boolean): void {
  const params = { ...runtimeParams(host), ci: String(ci) }
  for (const item of items) if (!('runtime' in item.event.params)) item.event.params = { ...item.event.params, ...params }
}

function requestFor(batch: QueuedEvent[], clientId: string, sessionId: number): CollectRequest {
  return buildRequest(batch[0]!, clientId, sessionId, batch)
}

/** A loopback collector named by POPYLAR_ENDPOINT replaces the compiled endpoint (tests, demos); nothing else can. */
function loopbackOverride(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const host = new URL(value).hostname
    return /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(host) ? value : undefined
  } catch {
    return undefined
  }
}

async function flush(state: SharedState): Promise<void> {
  const items = state.queue.splice(0)
  try {
    const host = await detectHost()
    if (!host) return settleAll(items, false)
    if (host.kind !== 'browser') return flushFromServer(host, items, state)
    const refusal = browserRefusal()
    const clientId = refusal ? undefined : browserClientId()
    if (!clientId) return settleAll(items, false)
    describeRuntime(host, items, false)
    for (const batch of batches(items)) settleAll(batch, sendFromBrowser(requestFor(batch, clientId, state.sessionId)))
  } catch {
    settleAll(items, false)
  }
}

function flushFromServer(host: ServerHost, items: QueuedEvent[], state: SharedState): void {
  const { env } = host
  const debug = envFlag(env.POPYLAR_DEBUG)
  const say = (text: string) => debug && host.process.stderr.write(`popylar: ${text}\n`)
  let config = readConfig(host)
  const refusal = machineRefusal(host, config)
  if (refusal) {
    say(`not sending: ${refusal}`)
    return settleAll(items, false)
  }
  const ci = isCI(env)
  const allowed: QueuedEvent[] = []
  for (const item of debug ? items : items.concat(takeFromOutbox(host, Date.now()))) {
    const no = packageRefusal(config, item.packageName, item.consent) || (ci && !item.ci ? 'running in CI' : '')
    if (!no) allowed.push(item)
    else {
      say(`not sending "${item.event.name}" for ${item.packageName ?? 'this program'}: ${no}`)
      item.settle?.(false)
    }
  }
  if (!allowed.length) return
  const clientId = ensureClientId(host, config)
  if (!clientId) return settleAll(allowed, false)
  config = readConfig(host)
  describeRuntime(host, allowed, ci)
  const endpoint = loopbackOverride(env.POPYLAR_ENDPOINT)
  if (endpoint) for (const item of allowed) item.endpoint = endpoint
  const announced = allowed.find((item) => item.notice && item.packageName)
  if (announced && !debug) showNoticeOnce(host, config, announced.packageName!)

  for (const batch of batches(allowed)) {
    const request = requestFor(batch, clientId, state.sessionId)
    if (debug) {
      say(`POST ${request.url}\n${request.body}`)
      settleAll(batch, false)
      continue
    }
    state.unsent.push(...batch)
    if (!state.exitHooked) {
      state.exitHooked = true
      host.process.on('exit', () => saveToOutbox(host, state.unsent.splice(0)))
    }
    const written = () => {
      state.unsent = state.unsent.filter((item) => !batch.includes(item))
    }
    sendFromServer(host, request, written).then((result) => settleAll(batch, result.accepted))
  }
}
