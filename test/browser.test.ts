// A library used in a website never tracks the site's visitors: a consumer's production build (Vite, webpack)
// holds no tracker code and its page sends nothing, while in development (the Vite dev server, a webpack
// development build) the page sends one event per page session. Real builds of the fixture apps, real Chromium,
// pages and collector on 127.0.0.1.
import { after, before, beforeEach, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { startCollector, type Collector } from '@popylar/tools/collector'
import {
  BROWSER_LIB,
  BROWSER_LIB_MEASUREMENT_ID,
  BROWSER_LIB_VERSION,
  createConsumerProject,
  emittedScripts,
  viteBuild,
  viteDevServer,
  webpackBuild,
  type ConsumerProject,
} from './support/browser-apps.js'
import { launchChromium, openApp, quietPeriod, showsResult } from './support/chromium.js'
import { serveStatic } from './support/static-server.js'

let collector: Collector
let project: ConsumerProject
let browser: Browser

before(async () => {
  collector = await startCollector()
  ;[project, browser] = await Promise.all([createConsumerProject(collector.url), launchChromium()])
})

after(async () => {
  await browser?.close()
  await collector?.close()
  project?.remove()
})

beforeEach(() => collector.clear())

const NO_PROBLEMS = { consoleErrors: [], pageErrors: [] }

/** What only the tracker puts into JavaScript: where it sends, what it stores, what it checks. */
function trackerMarkers(): string[] {
  return [
    BROWSER_LIB_MEASUREMENT_ID,
    new URL(collector.url).host,
    'popylar',
    'g/collect',
    'sendBeacon',
    'doNotTrack',
    'globalPrivacyControl',
    'Deno',
    'permissions',
  ]
}

function assertNoTrackerCode(outDir: string): void {
  // The library as the app installed it has every marker: so their absence below means something.
  const library = readFileSync(
    join(project.dir, 'browser-app-vite', 'node_modules', BROWSER_LIB, 'dist', 'index.js'),
    'utf8',
  )
  for (const marker of trackerMarkers())
    assert.ok(library.includes(marker), `the instrumented library should contain ${marker}`)
  const scripts = emittedScripts(outDir)
  assert.ok(
    scripts.some(({ text }) => text.includes('from browser-lib')),
    'the build should contain the library itself',
  )
  for (const { file, text } of scripts) {
    for (const marker of trackerMarkers())
      assert.ok(!text.includes(marker), `${file} contains ${marker}: tracker code in a production build`)
  }
}

/** A production site, served as a static host would: it works, worker included, and sends nothing. */
async function assertSiteSendsNothing(t: TestContext, root: string): Promise<void> {
  const site = await serveStatic(root)
  t.after(() => site.close())
  const context = await browser.newContext()
  t.after(() => context.close())
  const { page, problems, requestsTo } = await openApp(context, `${site.url}/?worker`, collector.url)
  assert.equal(await page.textContent('#result'), 'Hello, visitor, from browser-lib')
  assert.equal(await page.textContent('#worker-result'), 'Hello, worker, from browser-lib')
  await page.reload()
  await showsResult(page, true)
  await quietPeriod()
  assert.deepEqual(requestsTo, [])
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(problems, NO_PROBLEMS)
}

test('vite build: the production bundle holds no tracker code, and its page sends nothing', async (t) => {
  const dist = await viteBuild(project.appDir('browser-app-vite'))
  assertNoTrackerCode(dist)
  await assertSiteSendsNothing(t, dist)
})

test('webpack --mode production: the bundle holds no tracker code, and its page sends nothing', async (t) => {
  const appDir = project.appDir('browser-app-webpack')
  assertNoTrackerCode(await webpackBuild(appDir, 'production'))
  await assertSiteSendsNothing(t, appDir)
})

/**
 * One event per page session: the first visit in a tab sends one valid event (the worker none), reloads of that
 * tab send nothing more, a new tab sends again, with the client id kept in localStorage.
 */
async function assertOneEventPerPageSession(t: TestContext, url: string): Promise<void> {
  const context = await browser.newContext()
  t.after(() => context.close())
  const first = await openApp(context, `${url}?worker`, collector.url)
  const [request] = await collector.waitForRequests(1)
  assert.ok(request)
  assert.deepEqual(request.problems, [], 'valid by GA4 rules')
  assert.equal(request.measurementId, BROWSER_LIB_MEASUREMENT_ID)
  assert.equal(request.headers.cookie, undefined)
  assert.equal(request.events.length, 1)
  const [event] = request.events
  assert.equal(event?.name, 'import')
  assert.equal(event?.params.package_name, BROWSER_LIB)
  assert.equal(event?.params.package_version, BROWSER_LIB_VERSION)
  assert.equal(event?.params.runtime, 'browser')
  assert.match(String(event?.params.runtime_version), /^Chrome \d+$/)
  // A beacon: it outlives the page. (Chromium calls a sendBeacon request a 'ping'.)
  assert.deepEqual(first.requestsTo, ['ping'])
  const clientId = await first.page.evaluate(() => localStorage.getItem('popylar:cid'))
  assert.equal(request.clientId, clientId)
  // The browser describes itself: its user agent, and (Chromium) its client hints in Sec-CH-UA headers.
  assert.match(request.headers['user-agent']!, /^Mozilla\/5\.0 \(X11; Linux x86_64\) .*Chrome\/\d+/)
  assert.match(request.headers['sec-ch-ua']!, /Chromium/)
  // A new browser: the property's first visit, in a session that starts, kept in localStorage.
  assert.deepEqual({ ...request.session, id: undefined }, { id: undefined, number: '1', starts: 1, firstVisits: 1 })
  const sessions = await first.page.evaluate(() => JSON.parse(localStorage.getItem('popylar:sessions') ?? 'null'))
  assert.equal(sessions.session.id, Number(request.session.id))

  for (let reload = 0; reload < 2; reload++) {
    await first.page.reload()
    await showsResult(first.page)
  }
  await quietPeriod()
  assert.equal(collector.requests.length, 1, 'a reload is the same page session')

  const second = await openApp(context, url, collector.url)
  const requests = await collector.waitForRequests(2)
  assert.equal(requests[1]?.clientId, clientId, 'the same browser keeps its client id')
  assert.deepEqual(requests[1]?.session, { ...request.session, starts: 0, firstVisits: 0 }, 'and its session')
  assert.deepEqual(requests[1]?.problems, [])
  await quietPeriod()
  assert.equal(collector.requests.length, 2)
  assert.deepEqual(first.problems, NO_PROBLEMS)
  assert.deepEqual(second.problems, NO_PROBLEMS)
}

test('the Vite dev server: one event per page session, none from the worker', async (t) => {
  const { url, server } = await viteDevServer(project.appDir('browser-app-vite'))
  t.after(() => server.close())
  await assertOneEventPerPageSession(t, url)
})

test('webpack --mode development, served from 127.0.0.1: one event per page session, none from the worker', async (t) => {
  const appDir = project.appDir('browser-app-webpack')
  await webpackBuild(appDir, 'development')
  const site = await serveStatic(appDir)
  t.after(() => site.close())
  await assertOneEventPerPageSession(t, `${site.url}/`)
})
