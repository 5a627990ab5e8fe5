// The two wire formats GA4 accepts: gtag (/g/collect, no secret) and the Measurement Protocol (/mp/collect).
import type { CarriedProtocol } from '../stub/shared-state.js'
import type { AnalyticsEvent, Destination } from './types.js'

export interface CollectRequest {
  url: string
  body: string
  contentType: string
}

export const GOOGLE_ORIGIN = 'https://www.google-analytics.com'

export interface TimedEvent {
  event: AnalyticsEvent
  time: number
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

/** One request for up to 25 events of one destination and client. */
export function buildRequest(
  destination: Destination,
  clientId: string,
  sessionId: number,
  events: TimedEvent[],
): CollectRequest {
  if (typeof __POPYLAR_MP__ === 'boolean' ? __POPYLAR_MP__ : destination.apiSecret) {
    const url = collectUrl(destination, '/mp/collect')
    url.searchParams.set('measurement_id', destination.measurementId)
    url.searchParams.set('api_secret', destination.apiSecret!)
    const body = {
      client_id: clientId,
      events: events.map(({ event, time }) => ({
        name: event.name,
        params: { ...event.params, session_id: String(sessionId), engagement_time_msec: 1 },
        timestamp_micros: time * 1000,
      })),
    }
    return { url: url.href, body: JSON.stringify(body), contentType: 'application/json' }
  }
  const url = collectUrl(destination, '/g/collect')
  const shared: Record<string, string> = {
    v: '2',
    tid: destination.measurementId,
    cid: clientId,
    sid: String(sessionId),
    sct: '1',
    seg: '1',
    _s: '1',
  }
  for (const key in shared) url.searchParams.set(key, shared[key]!)
  const lines = events.map(({ event }) => {
    const line = new URLSearchParams({ en: event.name, _et: '1' })
    for (const key in event.params) {
      const value = event.params[key]!
      line.set((typeof value === 'number' ? 'epn.' : 'ep.') + key, String(value))
    }
    return line.toString()
  })
  return { url: url.href, body: lines.join('\n'), contentType: 'text/plain;charset=UTF-8' }
}
