// The browser side, reached only in a consumer's development build: localStorage holds the
// client id, its sessions and the opt-out, and the request goes out as a beacon that outlives the page.
import type { CollectRequest } from './protocol.js'
import { advanceSessions, markVisits, unannounced } from './session.js'
import type { QueuedEvent } from './types.js'

/** The sessions of this origin's client id (see session.ts), as config.json holds a machine's. */
const SESSIONS_KEY = 'popylar:sessions'

/**
 * The client id, or undefined when the browser says no: Do Not Track, Global Privacy Control,
 * localStorage['popylar:track'] = 'false', or no storage at all (a sandboxed iframe). Undefined too when
 * the request would fail: Chromium prints every failed or blocked request in the console, and no script
 * can stop it. So not offline, not under a Content-Security-Policy in the page, and not again on a site
 * whose CSP header (which a page cannot read) blocked something after a send (see sendFromBrowser).
 */
export function browserClientId(): string | undefined {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean }
  try {
    if (nav.doNotTrack === '1' || nav.globalPrivacyControl || localStorage['popylar:track'] === 'false') return
    if (
      !nav.onLine ||
      localStorage['popylar:csp'] ||
      document.querySelector('meta[http-equiv=content-security-policy i]')
    )
      return
    if (!localStorage['popylar:cid']) {
      localStorage['popylar:cid'] = crypto.randomUUID()
      // Every property is yet to see this client id.
      localStorage[SESSIONS_KEY] = '{"properties":{}}'
    }
    return localStorage['popylar:cid']
  } catch {}
}

/** True for an import not yet counted in this page session (a tab, across reloads), which it marks counted; and for hand-sent events. */
export function firstInSession(item: QueuedEvent): boolean {
  const key = `popylar:${item.measurementId}${item.packageName}`
  if (!item.packageName) return true
  if (sessionStorage[key]) return false
  sessionStorage[key] = 1
  return true
}

/** Gives the events their visits, from and to localStorage (which browserClientId found usable). */
export function browserVisits(items: QueuedEvent[]): QueuedEvent[] {
  let stored = {}
  try {
    stored = JSON.parse(localStorage[SESSIONS_KEY]) || {}
  } catch {}
  const next = advanceSessions(
    stored,
    items.map((item) => item.measurementId),
    Date.now(),
  )
  try {
    if (next.changed) localStorage[SESSIONS_KEY] = JSON.stringify(next.state)
  } catch {
    next.visits = unannounced(next.visits)
  }
  markVisits(items, next.visits)
  return items
}

/** Hands the request to the browser; true when it took it. */
export function sendFromBrowser(request: CollectRequest): boolean {
  try {
    // A violation from here on means the page has a policy that blocks, maybe this very request: stay away from the site.
    addEventListener('securitypolicyviolation', () => {
      try {
        localStorage['popylar:csp'] = 1
      } catch {}
    })
    return navigator.sendBeacon(request.url, request.body)
  } catch {
    return false
  }
}
