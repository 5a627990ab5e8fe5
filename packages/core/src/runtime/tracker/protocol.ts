// The two wire formats GA4 accepts: gtag (/g/collect, no secret) and the Measurement Protocol (/mp/collect).
import type { CarriedProtocol } from '../stub/shared-state.js'
import type { AnalyticsEvent, Destination, Visit } from './types.js'
import { clientHints, deviceOf, type ClientDescription } from './user-agent.js'

export interface CollectRequest {
  url: string
  body: string
  contentType: string
  /** The User-Agent header: from Node, Bun and Deno (a browser sends its own). */
  userAgent?: string
}

export const GOOGLE_ORIGIN = 'https://www.google-analytics.com'

export interface TimedEvent {
  event: AnalyticsEvent
  time: number
  visit?: Visit
}

/** The collect URL: an endpoint that already names a .../collect path is used as it is. */
export function collectUrl(destination: Destination, path: string): URL {
  const url = new URL(destination.endpoint || GOOGLE_ORIGIN)
  if (!/\/collect$/.test(url.pathname)) url.pathname = url.pathname.replace(/\/$/, '') + path
  return url
}

/** Set by the build of the inlined tracker, so that it carries only the protocol the library uses. */
declare const __POPYLAR_MP__: boolean | undefined

/** The protocol this copy of the tracker carries: one of them when inlined, either (by apiSecret) in trackEvent. */
export const CARRIED_PROTOCOL: CarriedProtocol =
  typeof __POPYLAR_MP__ === 'boolean' ? (__POPYLAR_MP__ ? 'mp' : 'gtag') : 'any'

/** A Measurement Protocol request. GA4 reserves _fv and _ss here: it has sessions, but no way to say one starts. */
function mpRequest(
  destination: Destination,
  clientId: string,
  events: TimedEvent[],
  client?: ClientDescription,
): CollectRequest {
  const session = events[0]!.visit!
  const url = collectUrl(destination, '/mp/collect')
  url.searchParams.set('measurement_id', destination.measurementId)
  url.searchParams.set('api_secret', destination.apiSecret!)
  const body = {
    client_id: clientId,
    device: client && deviceOf(client),
    events: events.map(({ event, time }) => ({
      name: event.name,
      params: { ...event.params, session_id: String(session.sessionId), engagement_time_msec: 1 },
      timestamp_micros: time * 1000,
    })),
  }
  return { url: url.href, body: JSON.stringify(body), contentType: 'application/json', userAgent: client?.userAgent }
}

/** A gtag request: what is shared in the query, one event a line, each marked with what its property learns from it. */
function gtagRequest(
  destination: Destination,
  clientId: string,
  events: TimedEvent[],
  client?: ClientDescription,
): CollectRequest {
  const session = events[0]!.visit!
  const url = collectUrl(destination, '/g/collect')
  const shared: Record<string, string> = {
    v: '2',
    tid: destination.measurementId,
    cid: clientId,
    ...(client && clientHints(client)),
    sid: String(session.sessionId),
    sct: String(session.sessionCount),
    seg: '1',
    _s: '1',
  }
  for (const key in shared) url.searchParams.set(key, shared[key]!)
  const lines = events.map(({ event, visit }) => {
    const line = new URLSearchParams({ en: event.name })
    if (visit?.firstVisit) line.set('_fv', '1')
    if (visit?.sessionStart) line.set('_ss', '1')
    line.set('_et', '1')
    for (const key in event.params) {
      const value = event.params[key]!
      line.set((typeof value === 'number' ? 'epn.' : 'ep.') + key, String(value))
    }
    return line.toString()
  })
  return {
    url: url.href,
    body: lines.join('\n'),
    contentType: 'text/plain;charset=UTF-8',
    userAgent: client?.userAgent,
  }
}

/**
 * One request for up to 25 events of one destination and client, all in one session (their visits' first);
 * with client, described as the runtime it comes from (without, a browser describes itself). An inlined copy
 * of the tracker carries one of the two builders: the choice is a constant there, and the other goes unused.
 */
export function buildRequest(
  destination: Destination,
  clientId: string,
  events: TimedEvent[],
  client?: ClientDescription,
): CollectRequest {
  const measurementProtocol = typeof __POPYLAR_MP__ === 'boolean' ? __POPYLAR_MP__ : destination.apiSecret
  return (measurementProtocol ? mpRequest : gtagRequest)(destination, clientId, events, client)
}
