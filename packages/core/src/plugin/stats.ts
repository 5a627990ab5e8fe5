/**
 * How often the plugin did real work in this process (an entry chunk written): read by the build-overhead
 * benchmark. One object per process, whichever of popylar's self-contained entry files counts.
 */
export const hookStats: { injections: number } = ((globalThis as { [key: symbol]: { injections: number } })[Symbol.for('popylar.hookStats')] ??= { injections: 0 })
