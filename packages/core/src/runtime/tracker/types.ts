/** One GA4 event, already checked against GA4's rules. */
export interface AnalyticsEvent {
  name: string
  params: Record<string, string | number>
}

/** Where and how an event is sent: fixed by the library author at build time. */
export interface Destination {
  measurementId: string
  /** GA4 Measurement Protocol secret: when set, send JSON to /mp/collect. */
  apiSecret?: string
  /** Collector origin (path optional); Google's when absent. */
  endpoint?: string
}

export type Consent = 'opt-out' | 'opt-in'

/** Where an event stands in its GA4 property's sessions: worked out when its run sends. */
export interface Visit {
  /** The session's id: the second at which it started (gtag's sid, the Measurement Protocol's session_id). */
  sessionId: number
  /** How many sessions the property has been told of, this one included (gtag's sct). */
  sessionCount: number
  /** The first event the property gets in this session (gtag's _ss). */
  sessionStart: boolean
  /** The first event the property gets from this client id (gtag's _fv). */
  firstVisit: boolean
}

/** An event waiting in the process-wide queue. */
export interface QueuedEvent extends Destination {
  event: AnalyticsEvent
  /** The instrumented package, for per-package consent; absent for hand-sent events. */
  packageName?: string
  consent: Consent
  /** Send when running in CI (the event then carries ci=true). */
  ci: boolean
  notice: boolean
  /** Milliseconds since the epoch when the event happened (the Measurement Protocol's timestamp_micros). */
  time: number
  /** Set when its run sends; kept with the event when it has to wait for a later run. */
  visit?: Visit
  /** Settles the promise of trackEvent: true when the collector accepted the event. */
  settle?: (delivered: boolean) => void
}

/** What the plugin compiles into a library: the event, ready to queue, with everything resolved at build time. */
export type InjectedConfig = Omit<QueuedEvent, 'time' | 'settle' | 'visit'> & { packageName: string }
