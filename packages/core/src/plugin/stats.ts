/**
 * How often the plugin did real work in this process (an entry chunk written): read by the build-overhead
 * benchmark. One object per process, whichever of popylar's self-contained entry files counts.
 */
const shared = globalThis as { [key: symbol]: { injections: number } }
shared[Symbol.for('popylar.hookStats')] ??= { injections: 0 }
export const hookStats = shared[Symbol.for('popylar.hookStats')]!
