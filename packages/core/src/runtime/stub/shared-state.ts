// What every copy of the tracker in one process shares, under a Symbol.for key: ESM and CJS builds,
// several libraries, several versions of popylar. Its shape is a contract between those versions:
// change it only together with the key.
import { builtinOrGlobal } from '../tracker/host.js'
import type { InjectedConfig, QueuedEvent } from '../tracker/types.js'

export type CarriedProtocol = 'mp' | 'gtag' | 'any'

export interface SharedState {
  /** Keys of the packages already counted in this process: one record for the whole process (see countedInProcess). */
  seen: Record<string, 1>
  queue: QueuedEvent[]
  sessionId: number
  /** The first inlined copy's import tracker: later copies hand it their import and run none of their own code. */
  trackImport?: (config: InjectedConfig) => void
}

/** Copies that carry only one protocol share a state with their own kind alone, so each event goes by its own protocol. */
export function stateKey(protocol: CarriedProtocol): string {
  return `popylar.v1.${protocol}`
}

export function sharedState(protocol: CarriedProtocol): SharedState {
  const global = globalThis as { [key: symbol]: SharedState | undefined }
  const key = Symbol.for(stateKey(protocol))
  global[key] ??= {
    seen: countedInProcess(),
    queue: [],
    sessionId: Math.floor(Date.now() / 1000),
  }
  return global[key]
}

/**
 * The packages counted in this process, kept on an object that every sandbox in the process shares: the
 * path module. Jest runs each test file in a vm context with globals and a process object of its own
 * (its getBuiltinModule('node:process') returns that copy too), but hands every test file the same
 * builtin modules, so a library that each test file loads is counted once. Where there is no
 * process.getBuiltinModule (browsers, Node before 20.16), or where the module is frozen (Node's --permission
 * freezes it), on globalThis.
 */
function countedInProcess(): Record<string, 1> {
  const path = builtinOrGlobal<{ [key: symbol]: Record<string, 1> | undefined }>('path')
  const holder = Object.isExtensible(path) ? path : (globalThis as typeof path)
  const key = Symbol.for('popylar.v1.seen')
  holder[key] ??= {}
  return holder[key]
}
