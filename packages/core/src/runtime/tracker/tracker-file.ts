// Entry of the text the plugin inlines. scripts/build-tracker.ts turns it into the body of a function
// that registers this copy's import tracker in the process, unless an earlier copy did, and returns the
// one registered. The statement around it (plugin/tracker-statement.ts) calls that function only when
// nothing is registered yet, so every later copy costs the parse of its text and one call.
import { CARRIED_PROTOCOL } from './protocol.js'
import { sharedState } from '../stub/shared-state.js'
import { trackImport } from './track-import.js'

const state = sharedState(CARRIED_PROTOCOL)
state.trackImport ??= trackImport
export default state.trackImport
