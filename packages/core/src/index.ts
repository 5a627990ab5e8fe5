export { trackEvent, type TrackEventOptions } from './runtime/package/track-event.js'
export { optOut, optIn, resetClientId, status, type TrackingStatus, type Channel } from './runtime/package/choices.js'
