// The Vite dev server writes no bundle, so there the library's entries import the tracker as a
// module instead. A plugin of its own, applied only when serving: builds pay for no hook per module.
import { isAbsolute, resolve } from 'node:path'
import type { Plugin as VitePlugin } from 'vite'
import type { UnpluginOptions } from 'unplugin'

/** What the entries import. No colon: webpack would take it for a URL scheme. */
export const TRACKER_ID = 'popylar-tracker'
/** Rollup's convention for ids no other plugin should touch. */
const RESOLVED_TRACKER_ID = '\0popylar-tracker'

function libEntries(root: string, entry: unknown): Set<string> {
  const list = typeof entry === 'string' ? [entry] : Array.isArray(entry) ? entry : entry && typeof entry === 'object' ? Object.values(entry) : []
  return new Set(list.filter((item): item is string => typeof item === 'string').map((item) => (isAbsolute(item) ? item : resolve(root, item))))
}

export function devServerPlugin(tracker: (root: string) => string): UnpluginOptions {
  let root = process.cwd()
  let entries = new Set<string>()
  const vite: Partial<VitePlugin> = {
    apply: 'serve',
    enforce: 'pre',
    configResolved(config) {
      root = config.root
      entries = libEntries(root, config.build.lib && config.build.lib.entry)
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
