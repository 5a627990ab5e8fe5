// Sending an event by hand, as the Python popylar's track_event did.
import { eventNameProblem, paramsProblem, TRACKER_PARAMS, MEASUREMENT_ID } from '../tracker/ga4-rules.js'
import { enqueue } from '../tracker/queue.js'

export interface TrackEventOptions {
  /** GA4 Measurement Protocol secret: send JSON to /mp/collect instead of the gtag protocol. */
  apiSecret?: string
  /** Collector URL (Google's by default). */
  endpoint?: string
}

/** How long a caller who waits for the answer may be kept waiting (Google answers in well under a second). */
const ANSWER_WAIT_MS = 2000

/**
 * The promise trackEvent returns. Neither a pending promise nor the tracker's unref'd socket keeps Node
 * alive, so `await trackEvent(...)` with nothing else to do would end the program before the answer
 * (exit code 13 in an ES module). Whoever waits (then, await, catch) holds the program until the
 * answer, ANSWER_WAIT_MS at most; a call nobody waits for holds nothing.
 */
class Delivery extends Promise<boolean> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise
  }
  onWait: (() => void) | undefined
  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass overrides then() to learn that someone waits
  override then<A = boolean, B = never>(
    onFulfilled?: ((value: boolean) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const onWait = this.onWait
    this.onWait = undefined
    onWait?.()
    return super.then(onFulfilled, onRejected)
  }
}

/**
 * Sends one event, with every opt-out honoured. Resolves true when the collector accepted it,
 * false when it was not sent or not accepted. Never rejects, never throws, never prints
 * (but under POPYLAR_DEBUG), and never keeps from exiting a program that does not wait for it.
 */
export function trackEvent(
  measurementId: string,
  name: string,
  params: Record<string, string | number> = {},
  options: TrackEventOptions = {},
): Promise<boolean> {
  let resolve!: (delivered: boolean) => void
  let settled = false
  let hold: ReturnType<typeof setTimeout> | undefined
  const delivery = new Delivery((done) => (resolve = done))
  const settle = (delivered: boolean) => {
    settled = true
    clearTimeout(hold)
    resolve(delivered)
  }
  delivery.onWait = () => {
    if (!settled) hold = setTimeout(settle, ANSWER_WAIT_MS, false)
  }
  try {
    if (
      typeof measurementId !== 'string' ||
      !MEASUREMENT_ID.test(measurementId) ||
      eventNameProblem(name) ||
      paramsProblem(params, TRACKER_PARAMS)
    )
      settle(false)
    else
      enqueue({
        measurementId,
        apiSecret: options.apiSecret,
        endpoint: options.endpoint,
        event: { name, params: { ...params } },
        consent: 'opt-out',
        ci: true,
        notice: false,
        time: Date.now(),
        settle,
      })
  } catch {
    settle(false)
  }
  return delivery
}
