// The browser side, reached only in a consumer's development build: localStorage holds the
// client id and the opt-out, and the request goes out as a beacon that outlives the page.
import type { CollectRequest } from './protocol.js'

/**
 * The client id, or undefined when the browser says no: Do Not Track, Global Privacy Control,
 * localStorage['popylar:track'] = 'false', or no storage at all (a sandboxed iframe).
 */
export function browserClientId(): string | undefined {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean }
  try {
    if (nav.doNotTrack === '1' || nav.globalPrivacyControl || localStorage['popylar:track'] === 'false') return
    return (localStorage['popylar:cid'] ||= crypto.randomUUID())
  } catch {}
}

/** Hands the request to the browser; true when it took it. */
export function sendFromBrowser(request: CollectRequest): boolean {
  try {
    return navigator.sendBeacon(request.url, request.body)
  } catch {
    return false
  }
}
