// Sending an event by hand, as the Python popylar's track_event did.
import { eventNameProblem, paramsProblem, TRACKER_PARAMS, MEASUREMENT_ID } from './ga4-rules.js'
import { enqueue } from './queue.js'

export interface TrackEventOptions {
  /** GA4 Measurement Protocol secret: send JSON to /mp/collect instead of the gtag protocol. */
  apiSecret?: string
  /** Collector URL (Google's by default). */
  endpoint?: string
}

/**
 * Sends one event, with every opt-out honoured. Resolves true when the collector accepted it,
 * false when it was not sent or not accepted. Never rejects, never throws, never prints
 * (but under POPYLAR_DEBUG), and never keeps the program from exiting.
 */
export function trackEvent(measurementId: string, name: string, params: Record<string, string | number> = {}, options: TrackEventOptions = {}): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      if (typeof measurementId !== 'string' || !MEASUREMENT_ID.test(measurementId) || eventNameProblem(name) || paramsProblem(params, TRACKER_PARAMS)) return resolve(false)
      enqueue({ measurementId, apiSecret: options.apiSecret, endpoint: options.endpoint, event: { name, params: { ...params } }, consent: 'opt-out', ci: true, notice: false, time: Date.now(), settle: resolve })
    } catch {
      resolve(false)
    }
  })
}
