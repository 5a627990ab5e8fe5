// Which programs' events reached the collector. Every run has a home of its own, so its client id
// names its event, whether the run sent it itself or a later run in that home carried it (outbox).
import { readFileSync } from 'node:fs'
import type { Collector } from '@popylar/tools/collector'

export interface DeliveryCount {
  runs: number
  /** Runs whose event reached the collector, sent by the run itself. */
  direct: number
  /** Runs whose event reached the collector only when the next run in the same home carried it. */
  carried: number
  /** Events that arrived more than once for one run. */
  duplicates: number
}

/** The client id the tracker wrote into a home's config file, if any. */
export function clientIdOf(configFile: string): string | undefined {
  try {
    return JSON.parse(readFileSync(configFile, 'utf8')).clientId
  } catch {
    return undefined
  }
}

/** Events of packageName per client id, as the collector recorded them. */
export function eventsByClient(collector: Collector, packageName: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const event of collector.events()) {
    if (event.params.package_name !== packageName) continue
    counts.set(event.request.clientId, (counts.get(event.request.clientId) ?? 0) + 1)
  }
  return counts
}

export function countDelivery(
  clientIds: Array<string | undefined>,
  before: Map<string, number>,
  after: Map<string, number>,
): DeliveryCount {
  const count: DeliveryCount = { runs: clientIds.length, direct: 0, carried: 0, duplicates: 0 }
  for (const id of clientIds) {
    if (!id) continue
    const early = before.get(id) ?? 0
    const total = after.get(id) ?? 0
    if (early) count.direct++
    else if (total) count.carried++
    if (total > 1) count.duplicates += total - 1
  }
  return count
}

export const deliveredShare = (count: DeliveryCount): number => (count.direct + count.carried) / count.runs
