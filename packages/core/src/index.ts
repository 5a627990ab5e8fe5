export { trackEvent, type TrackEventOptions } from './runtime/track-event.js'
export { optOut, optIn, resetClientId, status, type TrackingStatus, type Channel } from './runtime/choices.js'
