// What every copy of the tracker in one process shares, under a Symbol.for key: ESM and CJS builds,
// several libraries, several versions of popylar. Its shape is a contract between those versions:
// change it only together with the key.
import type { InjectedConfig, QueuedEvent } from './types.js'

export type CarriedProtocol = 'mp' | 'gtag' | 'any'

export interface SharedState {
  /** Keys of the packages already counted in this process. */
  seen: Record<string, 1>
  queue: QueuedEvent[]
  sessionId: number
  /** The first inlined copy's import tracker: later copies hand it their import and run none of their own code. */
  trackImport?: (config: InjectedConfig) => void
}

/** Copies that carry only one protocol share a state with their own kind alone, so each event goes by its own protocol. */
export function stateKey(protocol: CarriedProtocol): string {
  return 'popylar.v1.' + protocol
}

export function sharedState(protocol: CarriedProtocol): SharedState {
  const global = globalThis as { [key: symbol]: SharedState | undefined }
  return (global[Symbol.for(stateKey(protocol))] ??= { seen: {}, queue: [], sessionId: Math.floor(Date.now() / 1000) })
}
