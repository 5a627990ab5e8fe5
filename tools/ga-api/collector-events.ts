// The events a local collector received, as the Data API stand-in stores them: what GA4 would make of
// each request (its client id, the time it arrived). No country: GA4 derives it from the sender's IP
// address, and a loopback address has none ("(not set)").
import type { ReceivedRequest } from '../collector/collector.js'
import type { StoredEvent } from './report-engine.js'

export function eventsFromRequests(requests: readonly ReceivedRequest[]): StoredEvent[] {
  return requests
    .filter((request) => !request.debug)
    .flatMap((request) =>
      request.events.map((event) => ({
        time: request.receivedAt,
        name: event.name,
        clientId: request.clientId,
        params: event.params,
      })),
    )
}
