// A library used in a web app never tracks the app's visitors: whichever bundler builds the app for
// production, the tracker is gone from the bundle, down to its Deno probe. (browser.test.ts runs the
// Vite and webpack apps in Chromium; this checks the bundle text of all six.)
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { BUNDLERS, buildLibrary, TEST_MEASUREMENT_ID } from './support/bundlers.js'
import { buildConsumerApp } from './support/consumer-build.js'
import { throwawayLibrary } from './support/throwaway-library.js'

const LIBRARY_TEXT = 'greeting-from-the-library'
/** What only the tracker and its guard put into JavaScript. */
const TRACKER_MARKERS = [TEST_MEASUREMENT_ID, 'popylar', 'Deno', 'permissions', 'NODE_ENV', 'g/collect']

const source = throwawayLibrary(after, {
  'src/index.js': `export const greet = (name) => '${LIBRARY_TEXT}, ' + name\n`,
})
const library = await buildLibrary('esbuild', {
  dir: source.dir,
  configure: (config) => {
    config.platform = 'neutral'
  },
})

test('the instrumented library holds every marker, so their absence below means something', () => {
  const text = readFileSync(library, 'utf8')
  for (const marker of TRACKER_MARKERS) assert.ok(text.includes(marker), `the library should contain ${marker}`)
})

for (const bundler of BUNDLERS) {
  test(`${bundler}: an app's production build holds the library and no tracker code`, async (t) => {
    const app = throwawayLibrary(t, {})
    const bundle = await buildConsumerApp(bundler, library, app.path('app'))
    assert.ok(bundle.includes(LIBRARY_TEXT), 'the app should contain the library')
    for (const marker of TRACKER_MARKERS)
      assert.ok(!bundle.includes(marker), `the production bundle contains ${marker}`)
  })
}
