// What reached the collector because of a program that has already exited: its request may still be
// in flight, so wait for the requests expected, then a quiet moment so that any extra one shows too.
import { setTimeout as delay } from 'node:timers/promises'
import type { Collector, ReceivedRequest } from '@popylar/tools/collector'

/** Long enough for a request written just before exit to be read by the collector on loopback. */
export const QUIET_MS = 200

export async function requestsAfterExit(
  collector: Collector,
  expected: number,
  { timeoutMs = 5000, quietMs = QUIET_MS } = {},
): Promise<ReceivedRequest[]> {
  if (expected > 0) {
    try {
      await collector.waitForRequests(expected, timeoutMs)
    } catch {
      // Not thrown: the caller's assertion on the count says more than a timeout would.
    }
  }
  await delay(quietMs)
  return collector.requests.slice()
}
