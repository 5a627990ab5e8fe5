// Where the tracker cannot or must not send, it stays out of the way: offline, under a Content-Security-Policy,
// in a sandboxed iframe without storage, and with no bundler to define process (a page or a module worker
// importing the library's file as published). No console error, no uncaught exception, and the page works.
// The pages are a webpack development build of fixtures/browser-app-webpack (whose tracker runs), served from 127.0.0.1.
import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { BROWSER_LIB, createConsumerProject, webpackBuild, type ConsumerProject } from './support/browser-apps.js'
import { launchChromium, openApp, quietPeriod, showsResult, watchProblems } from './support/chromium.js'
import { serveStatic, type StaticServer } from './support/static-server.js'

let collector: Collector
let project: ConsumerProject
let browser: Browser
let site: StaticServer
let appDir: string
let indexHtml: string

const LIBRARY_URL = `/node_modules/${BROWSER_LIB}/dist/index.js`
const NO_PROBLEMS = { consoleErrors: [], pageErrors: [] }
const FAVICON = '<link rel="icon" href="data:," />'

before(async () => {
  collector = await startCollector()
  ;[project, browser] = await Promise.all([createConsumerProject(collector.url), launchChromium()])
  appDir = project.appDir('browser-app-webpack')
  await webpackBuild(appDir, 'development')
  site = await serveStatic(appDir)
  indexHtml = readFileSync(join(appDir, 'index.html'), 'utf8')
})

after(async () => {
  await site?.close()
  await browser?.close()
  await collector?.close()
  project?.remove()
})

beforeEach(() => collector.clear())

test('online, with no policy in the way, the page sends its event (what the tests below stop)', async (t) => {
  const context = await browser.newContext()
  t.after(() => context.close())
  const { problems } = await openApp(context, `${site.url}/`)
  await collector.waitForRequests(1)
  assert.deepEqual(problems, NO_PROBLEMS)
})

test('offline (the page from the dev server on this machine, no network): nothing sent, nothing printed', async (t) => {
  const context = await browser.newContext()
  t.after(() => context.close())
  await context.setOffline(true)
  // The page still comes from the developer's own machine.
  await context.route(`${site.url}/**`, (route) => {
    const path = new URL(route.request().url()).pathname
    return route.fulfill({ path: join(appDir, path === '/' ? 'index.html' : path) })
  })
  const { page, problems, requestsTo } = await openApp(context, `${site.url}/`, collector.url)
  assert.equal(await page.evaluate(() => navigator.onLine), false)
  await quietPeriod()
  assert.deepEqual(requestsTo, [])
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(problems, NO_PROBLEMS)
})

test("a Content-Security-Policy in the page (connect-src 'self'): no request, no console error", async (t) => {
  site.page(
    '/csp-meta.html',
    indexHtml.replace(
      FAVICON,
      `${FAVICON}\n    <meta http-equiv="Content-Security-Policy" content="connect-src 'self'" />`,
    ),
  )
  const context = await browser.newContext()
  t.after(() => context.close())
  const { page, problems, requestsTo } = await openApp(context, `${site.url}/csp-meta.html`, collector.url)
  assert.equal(await page.textContent('#result'), 'Hello, visitor, from browser-lib')
  await quietPeriod()
  assert.deepEqual(requestsTo, [])
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(problems, NO_PROBLEMS)
})

test("a Content-Security-Policy header (connect-src 'self'): blocked once, with Chromium's one report, never again", async (t) => {
  site.page('/csp-header.html', indexHtml, { 'content-security-policy': "connect-src 'self'" })
  const context = await browser.newContext()
  t.after(() => context.close())
  // A page cannot read its CSP header, so the first attempt is blocked, and Chromium reports it; nothing throws.
  const first = await openApp(context, `${site.url}/csp-header.html`)
  await quietPeriod()
  assert.deepEqual(first.problems.pageErrors, [])
  assert.equal(first.problems.consoleErrors.length, 1, first.problems.consoleErrors.join('\n'))
  assert.match(
    first.problems.consoleErrors[0]!,
    /'http:\/\/127\.0\.0\.1:\d+\/g\/collect\?.*Content Security Policy directive: "connect-src 'self'"/,
  )
  // The tracker remembers the block for the site: a new tab and a new page session try nothing.
  const second = await openApp(context, `${site.url}/csp-header.html`)
  await quietPeriod()
  assert.deepEqual(second.problems, NO_PROBLEMS)
  assert.equal(collector.requests.length, 0)
})

test('a sandboxed iframe without storage (sandbox="allow-scripts"): the app works inside, nothing sent', async (t) => {
  site.page(
    '/framed.html',
    `<!doctype html><html><head>${FAVICON}</head><body><iframe sandbox="allow-scripts" src="/"></iframe></body></html>`,
  )
  const context = await browser.newContext()
  t.after(() => context.close())
  const page = await context.newPage()
  const problems = watchProblems(page)
  await page.goto(`${site.url}/framed.html`)
  const frame = page.frameLocator('iframe')
  await frame.locator('#result').filter({ hasText: 'Hello, visitor, from browser-lib' }).waitFor({ timeout: 10_000 })
  // Proof that the frame is what the test says: its storage throws.
  assert.equal(
    await page.frames()[1]?.evaluate(() => {
      try {
        return typeof localStorage.length
      } catch (error) {
        return (error as Error).name
      }
    }),
    'SecurityError',
  )
  await quietPeriod()
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(problems, NO_PROBLEMS)
})

test('no bundler to define process: the published file, imported by a page and by a module worker, stays silent', async (t) => {
  site.page(
    '/unbundled.html',
    `<!doctype html><html><head>${FAVICON}</head><body><p id="result"></p><p id="worker-result"></p>
<script type="module">
  import { greet } from '${LIBRARY_URL}'
  document.getElementById('result').textContent = greet('visitor')
  const worker = new Worker('/unbundled-worker.js', { type: 'module' })
  worker.onmessage = (event) => (document.getElementById('worker-result').textContent = event.data)
</script></body></html>`,
  )
  site.page(
    '/unbundled-worker.js',
    `import { greet } from '${LIBRARY_URL}'\npostMessage(greet('worker') + ' in ' + typeof process)`,
    { 'content-type': 'text/javascript; charset=utf-8' },
  )
  const context = await browser.newContext()
  t.after(() => context.close())
  const { page, problems, requestsTo } = await openApp(context, `${site.url}/unbundled.html`, collector.url)
  await showsResult(page, true)
  assert.equal(await page.textContent('#result'), 'Hello, visitor, from browser-lib')
  assert.equal(await page.textContent('#worker-result'), 'Hello, worker, from browser-lib in undefined')
  await quietPeriod()
  assert.deepEqual(requestsTo, [])
  assert.equal(collector.requests.length, 0)
  assert.deepEqual(problems, NO_PROBLEMS)
})
