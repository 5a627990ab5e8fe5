// The process-wide queue: one event per package per process, however many copies of the tracker
// are loaded; events for one measurement id go out together, after the import has returned.
import { browserClientId, browserVisits, firstInSession, sendFromBrowser } from './browser.js'
import { readConfig, type ConfigRead } from './config-file.js'
import { envFlag, isCI, machineRefusal, packageRefusal } from './consent.js'
import { MAX_EVENTS_PER_REQUEST } from './ga4-rules.js'
import {
  afterThisTurn,
  detectHost,
  onExit,
  runtimeParams,
  serverHostAtOnce,
  type Host,
  type ServerHost,
} from './host.js'
import { showNoticeOnce } from './notice.js'
import { joinSession } from './machine-session.js'
import { holdUntilWritten, keepForLater, keepUnwritten, takeOutbox } from './outbox.js'
import { buildRequest, CARRIED_PROTOCOL, type CollectRequest } from './protocol.js'
import { sendFromServer } from './send-server.js'
import { sharedState } from '../stub/shared-state.js'
import type { QueuedEvent } from './types.js'
import { describeClient, type ClientDescription } from './user-agent.js'

let watchingExit = false

/** Queues an event; with onceKey, only the first event with that key in this process is kept. */
export function enqueue(item: QueuedEvent, onceKey?: string): void {
  // The state lives on the globals, which a test runner may clean up once a test file is done (Jest 30
  // wraps or deletes what the file set on them): the timer and the exit listener keep what they need.
  const { seen, queue } = sharedState(CARRIED_PROTOCOL)
  if (onceKey && seen[onceKey]) {
    item.settle?.(false)
    return
  }
  if (onceKey) seen[onceKey] = 1
  // The first event schedules the flush: after the importing module has finished, so the import costs nothing.
  if (queue.push(item) === 1) {
    afterThisTurn(() => flush(queue.splice(0)))
    // One exit listener keeps, for the next run, what the program ended too soon to send: events queued
    // when it called process.exit() before the flush (a CLI's --help), and requests not written yet.
    const proc = globalThis.process
    if (!watchingExit && typeof proc?.once === 'function')
      watchingExit = onExit(proc, () => {
        keepUnwritten()
        keepUnflushed(queue.splice(0))
      })
  }
}

/** Prints under POPYLAR_DEBUG, and only then. */
function debugSay(host: ServerHost): ((text: string) => void) | undefined {
  if (envFlag(host.env.POPYLAR_DEBUG)) return (text) => host.process.stderr.write(`popylar: ${text}\n`)
}

/** The events that every channel allows to leave; each of the others is settled, and under POPYLAR_DEBUG said. */
function consented(
  host: ServerHost,
  config: ConfigRead,
  items: QueuedEvent[],
  ci: boolean,
  say: ((text: string) => void) | undefined,
): QueuedEvent[] {
  const machineNo = machineRefusal(host, config)
  return items.filter((item) => {
    const no = machineNo || packageRefusal(config, item.packageName, item.consent) || (ci && !item.ci && 'ci')
    if (no) {
      say?.(`not sending "${item.event.name}" of ${item.packageName ?? 'this program'} (${no})`)
      item.settle?.(false)
    }
    return !no
  })
}

/** At exit, before the flush ran: the allowed events wait in the outbox. Only where builtins load at once. */
function keepUnflushed(items: QueuedEvent[]): void {
  try {
    const host = items.length ? serverHostAtOnce() : undefined
    if (!host) return
    const say = debugSay(host)
    const ci = isCI(host.env)
    const allowed = consented(host, readConfig(host), describe(host, items, ci), ci, say)
    if (say) say(`the program exited before sending: ${allowed.length} event(s) would wait for its next run`)
    else keepForLater(host, allowed)
  } catch {}
}

function settleAll(items: QueuedEvent[], delivered: boolean): void {
  for (const item of items) item.settle?.(delivered)
}

/** Adds what describes this run to each event's params. */
function describe(host: Host, items: QueuedEvent[], ci: boolean): QueuedEvent[] {
  const described = { ...runtimeParams(host), ci: String(ci) }
  for (const item of items) item.event.params = { ...item.event.params, ...described }
  return items
}

/** One request per destination, with at most GA4's limit of events each, to endpoint instead when given; from a server, with its client's description. */
function requests(
  items: QueuedEvent[],
  clientId: string,
  client?: ClientDescription,
  endpoint?: string,
): Array<[CollectRequest, QueuedEvent[]]> {
  const groups: Record<string, QueuedEvent[]> = {}
  for (const item of items) {
    const key = [item.measurementId, item.apiSecret, item.endpoint].join(' ')
    groups[key] ??= []
    groups[key].push(item)
  }
  const result: Array<[CollectRequest, QueuedEvent[]]> = []
  for (const group of Object.values(groups)) {
    for (let at = 0; at < group.length; at += MAX_EVENTS_PER_REQUEST) {
      const batch = group.slice(at, at + MAX_EVENTS_PER_REQUEST)
      result.push([buildRequest(endpoint ? { ...batch[0]!, endpoint } : batch[0]!, clientId, batch, client), batch])
    }
  }
  return result
}

async function flush(items: QueuedEvent[]): Promise<void> {
  try {
    const host = await detectHost()
    if (!host) return settleAll(items, false)
    if (host.kind !== 'browser') return flushFromServer(host, items)
    const clientId = browserClientId()
    if (!clientId) return settleAll(items, false)
    // Imports already counted in this tab are dropped: they have no promise to settle.
    for (const [request, batch] of requests(
      browserVisits(describe(host, items.filter(firstInSession), false)),
      clientId,
    ))
      settleAll(batch, sendFromBrowser(request))
  } catch {
    settleAll(items, false)
  }
}

function flushFromServer(host: ServerHost, fresh: QueuedEvent[]): void {
  const { env } = host
  const say = debugSay(host)
  const config = readConfig(host)
  const ci = isCI(env)
  // Events that earlier runs could not send were described by their own run; they face today's "no"s too.
  const allowed = consented(host, config, [...describe(host, fresh, ci), ...takeOutbox(host, fresh, !!say)], ci, say)
  const clientId = allowed.length ? joinSession(host, config, allowed, !say) : undefined
  if (!clientId) return settleAll(allowed, false)
  const announced = allowed.find((item) => item.notice && item.packageName)
  if (announced && !say) showNoticeOnce(host, readConfig(host), announced.packageName!)
  // A loopback collector named by POPYLAR_ENDPOINT replaces the compiled endpoint in this run's requests
  // (tests, demos); nothing else can, and it is never kept with the events.
  const endpoint = env.POPYLAR_ENDPOINT
  const loopback = endpoint && /^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?(\/|$)/.test(endpoint)
  for (const [request, batch] of requests(allowed, clientId, describeClient(host), loopback ? endpoint : undefined)) {
    if (say) say(`POST ${request.url}\nUser-Agent: ${request.userAgent}\n\n${request.body}`)
    else sendFromServer(host, request, holdUntilWritten(host, batch)).then((accepted) => settleAll(batch, accepted))
  }
  if (say) settleAll(allowed, false)
}
