// A visitor's "no" in the browser, in a consumer's development build (the Vite dev server): Do Not Track,
// Global Privacy Control and localStorage['popylar:track'] = 'false' each stop the event, and the page works.
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Browser, BrowserContext } from 'playwright-core'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { createConsumerProject, viteDevServer, type ConsumerProject } from './support/browser-apps.js'
import {
  launchChromium,
  launchWithDoNotTrack,
  openApp,
  quietPeriod,
  sendGlobalPrivacyControl,
} from './support/chromium.js'

let collector: Collector
let project: ConsumerProject
let browser: Browser
let dev: Awaited<ReturnType<typeof viteDevServer>>

before(async () => {
  collector = await startCollector()
  ;[project, browser] = await Promise.all([createConsumerProject(collector.url), launchChromium()])
  dev = await viteDevServer(project.appDir('browser-app-vite'))
})

after(async () => {
  await dev?.server.close()
  await browser?.close()
  await collector?.close()
  project?.remove()
})

beforeEach(() => collector.clear())

/** The app works, says nothing in the console, and nothing reaches the collector. */
async function assertNothingSent(context: BrowserContext): Promise<void> {
  const { page, problems, requestsTo } = await openApp(context, dev.url, collector.url)
  assert.equal(await page.textContent('#result'), 'Hello, visitor, from browser-lib')
  await quietPeriod()
  assert.deepEqual(requestsTo, [])
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [] })
}

test('without an opt-out, the same page sends its event (the opt-outs below have something to stop)', async (t) => {
  const context = await browser.newContext()
  t.after(() => context.close())
  await openApp(context, dev.url)
  const [request] = await collector.waitForRequests(1)
  assert.equal(request?.events[0]?.params.runtime, 'browser')
})

test('Do Not Track, turned on in the browser settings: nothing is sent', async (t) => {
  const { context, close } = await launchWithDoNotTrack()
  t.after(close)
  const page = await context.newPage()
  await page.goto('about:blank')
  assert.equal(await page.evaluate(() => navigator.doNotTrack), '1')
  await assertNothingSent(context)
})

test('Global Privacy Control: nothing is sent', async (t) => {
  const context = await browser.newContext()
  t.after(() => context.close())
  await sendGlobalPrivacyControl(context)
  await assertNothingSent(context)
  assert.equal(
    await context
      .pages()[0]
      ?.evaluate(() => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl),
    true,
  )
})

test("localStorage['popylar:track'] = 'false' on the site: nothing is sent, and no client id is made", async (t) => {
  const origin = new URL(dev.url).origin
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [{ origin, localStorage: [{ name: 'popylar:track', value: 'false' }] }] },
  })
  t.after(() => context.close())
  await assertNothingSent(context)
  const [page] = context.pages()
  assert.equal(await page?.evaluate(() => localStorage.getItem('popylar:cid')), null)
})
