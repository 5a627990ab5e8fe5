// The Vite dev server writes no bundle, so there the library's entries import the tracker as a
// module instead. A plugin of its own, applied only when serving: builds pay for no hook per module.
import type { Plugin as VitePlugin } from 'vite'
import type { UnpluginOptions } from 'unplugin'
import { entryPaths } from './entries.js'

/** What the entries import. No colon: webpack would take it for a URL scheme. */
export const TRACKER_ID = 'popylar-tracker'
/** Rollup's convention for ids no other plugin should touch. */
const RESOLVED_TRACKER_ID = '\0popylar-tracker'

export function devServerPlugin(tracker: (root: string) => string): UnpluginOptions {
  let root = process.cwd()
  let entries = new Set<string>()
  const vite: Partial<VitePlugin> = {
    apply: 'serve',
    enforce: 'pre',
    configResolved(config) {
      root = config.root
      entries = new Set(entryPaths(root, config.build.lib ? config.build.lib.entry : undefined))
    },
    resolveId: (id) => (id === TRACKER_ID ? RESOLVED_TRACKER_ID : null),
    load: (id) => (id === RESOLVED_TRACKER_ID ? tracker(root) : null),
    transform(code, id) {
      // On the entry's first line, so that every later line keeps its number.
      if (entries.has(id)) return { code: `import ${JSON.stringify(TRACKER_ID)};${code}`, map: null }
    },
  }
  return { name: 'popylar:dev-server', vite }
}
