// The browser side, reached only in a consumer's development build: localStorage holds the
// client id and the opt-out, and the request goes out as a beacon that outlives the page.
import type { CollectRequest } from './protocol.js'

const TRACK_KEY = 'popylar:track'
const CLIENT_ID_KEY = 'popylar:cid'

/** Why the browser says no, or ''. Storage that throws (sandboxed iframe) is a no. */
export function browserRefusal(): string {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean }
  if (nav.doNotTrack === '1' || nav.globalPrivacyControl) return 'the browser asks not to be tracked'
  try {
    if (localStorage.getItem(TRACK_KEY) === 'false') return `localStorage['${TRACK_KEY}'] is 'false'`
  } catch {
    return 'no storage'
  }
  return ''
}

export function browserClientId(): string | undefined {
  try {
    let id = localStorage.getItem(CLIENT_ID_KEY)
    if (!id) localStorage.setItem(CLIENT_ID_KEY, (id = crypto.randomUUID()))
    return id
  } catch {
    return undefined
  }
}

/** Queues the request with the browser; true when it took it. */
export function sendFromBrowser(request: CollectRequest): boolean {
  try {
    if (navigator.sendBeacon && navigator.sendBeacon(request.url, new Blob([request.body], { type: 'text/plain' }))) return true
    fetch(request.url, { method: 'POST', body: request.body, keepalive: true, mode: 'no-cors', credentials: 'omit' }).catch(() => {})
    return true
  } catch {
    return false
  }
}
