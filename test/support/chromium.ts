// Real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), and what a web developer
// would look at in its DevTools: console errors and uncaught exceptions.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

// No sandbox: CI containers run as root. The rest keeps Chromium from talking to anything but the pages under test.
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** One browser per test file: each test opens its own context (a fresh profile: no storage, no cache). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: LAUNCH_ARGS,
  })
}

export interface PageProblems {
  /** Console messages of type error: the page's own, and the browser's (blocked requests, network errors). */
  consoleErrors: string[]
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[]
}

/** Records every console error and uncaught exception of a page; Playwright reports its workers' with the page's. */
export function watchProblems(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [] }
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(`${message.text()} (${message.location().url})`)
  })
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)))
  return problems
}

/**
 * A browser whose user turned on "Send a Do Not Track request" (the enable_do_not_track preference):
 * navigator.doNotTrack is '1'. A profile of its own, in a temp dir removed by close().
 */
export async function launchWithDoNotTrack(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'popylar-chromium-dnt-'))
  mkdirSync(join(profile, 'Default'))
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ enable_do_not_track: true }))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: LAUNCH_ARGS })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Global Privacy Control, as Brave, DuckDuckGo and Firefox with the setting on expose it (Chromium has no such setting). */
export async function sendGlobalPrivacyControl(context: BrowserContext): Promise<void> {
  // Text, not a function: tsx would compile a function with helpers that do not exist in the page.
  await context.addInitScript({
    content: `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true })`,
  })
}

export interface OpenedApp {
  page: Page
  problems: PageProblems
  /** Chromium's resource type of each request the page made to `watchOrigin`: 'ping' for a beacon. */
  requestsTo: string[]
}

/**
 * Opens a fixture web app in a new tab and waits until it shows what the library returned (and, with
 * ?worker, what the worker got from it). watchOrigin: record the requests made to it, e.g. the collector.
 */
export async function openApp(context: BrowserContext, url: string, watchOrigin?: string): Promise<OpenedApp> {
  const page = await context.newPage()
  const problems = watchProblems(page)
  const requestsTo: string[] = []
  if (watchOrigin)
    page.on('request', (request) => request.url().startsWith(watchOrigin) && requestsTo.push(request.resourceType()))
  await page.goto(url)
  await showsResult(page, new URL(url).searchParams.has('worker'))
  return { page, problems, requestsTo }
}

/** Waits until the page shows the library's result: proof that the page works. */
export async function showsResult(page: Page, worker = false): Promise<void> {
  await page.locator('#result').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 })
  if (worker) await page.locator('#worker-result').filter({ hasText: /\S/ }).waitFor({ timeout: 10_000 })
}

/**
 * How long to wait before concluding that nothing was sent. The tracker hands its beacon to the browser
 * within a task of the import, and a beacon to 127.0.0.1 arrives in a few milliseconds.
 */
export const QUIET_MS = 500

export const quietPeriod = (ms = QUIET_MS): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
