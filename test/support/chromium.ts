// Real headless Chromium, driven by playwright-core, and what a web developer would look at in its
// DevTools: console errors and uncaught exceptions. The browser is the machine's own where it has one
// (CHROMIUM_PATH, or /usr/bin/chromium); elsewhere the headless Chromium that ships inside the npm package
// @sparticuz/chromium, unpacked once into the package cache (Linux x64 only: the only build it publishes).
import { execFile } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createBrotliDecompress } from 'node:zlib'
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from 'playwright-core'
import { cachedBinary } from './package-cache.js'
import { CHROMIUM_PACKAGE_VERSION } from './pinned-versions.js'

const SYSTEM_CHROMIUM = '/usr/bin/chromium'
const NPM_CHROMIUM = '@sparticuz/chromium'

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

function unbrotli(source: string, target: string): Promise<void> {
  return pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(target))
}

function untar(archive: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('tar', ['-x', '-f', archive, '-C', dir], (error) => (error ? reject(error) : resolve()))
  })
}

/**
 * The npm package's browser: the binary, and beside it in lib/ the shared libraries it needs that a small
 * Linux image may lack (NSS, NSPR, expat), which the package ships too. Fonts and the software GPU are not
 * unpacked: the tests read text, and run with --disable-gpu.
 */
async function npmChromium(): Promise<Required<Pick<LaunchOptions, 'executablePath' | 'env'>>> {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `No Chromium: ${NPM_CHROMIUM} ships Linux x64 only, and this is ${process.platform}-${process.arch}. ` +
        'Set CHROMIUM_PATH to a Chromium or Chrome executable.',
    )
  const bin = `node_modules/${NPM_CHROMIUM}/bin`
  const executablePath = await cachedBinary({
    name: NPM_CHROMIUM,
    version: CHROMIUM_PACKAGE_VERSION,
    binary: 'chromium',
    async prepare(dir) {
      await unbrotli(join(dir, bin, 'chromium.br'), join(dir, 'chromium'))
      await unbrotli(join(dir, bin, 'al2023.tar.br'), join(dir, 'al2023.tar'))
      await untar(join(dir, 'al2023.tar'), dir) // into lib/
      rmSync(join(dir, 'al2023.tar'))
      rmSync(join(dir, 'node_modules'), { recursive: true }) // the compressed files: 70 MB
    },
  })
  const lib = join(executablePath, '..', 'lib')
  const libraryPath = [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')
  return { executablePath, env: { ...process.env, LD_LIBRARY_PATH: libraryPath } }
}

/** Where the browser comes from: CHROMIUM_PATH, the system's Chromium, or the npm package. */
export async function chromiumLaunchOptions(): Promise<LaunchOptions> {
  const chosen = process.env.CHROMIUM_PATH
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`CHROMIUM_PATH is ${chosen}, which does not exist`)
    return { executablePath: chosen, args: LAUNCH_ARGS }
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { executablePath: SYSTEM_CHROMIUM, args: LAUNCH_ARGS }
  return { ...(await npmChromium()), args: LAUNCH_ARGS }
}

/** One browser per test file: each test opens its own context (a fresh profile: no storage, no cache). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch(await chromiumLaunchOptions())
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
 * navigator.doNotTrack is '1'. A profile of its own, in a temp dir removed by close(). A headless shell
 * (the npm package's Chromium) reads no preferences and has no such setting: there the context shows
 * what the setting shows, navigator.doNotTrack and the DNT header, the way sendGlobalPrivacyControl does.
 */
export async function launchWithDoNotTrack(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'popylar-chromium-dnt-'))
  mkdirSync(join(profile, 'Default'))
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ enable_do_not_track: true }))
  const context = await chromium.launchPersistentContext(profile, await chromiumLaunchOptions())
  if (!(await doNotTrackIsOn(context))) {
    await context.setExtraHTTPHeaders({ DNT: '1' })
    await context.addInitScript({
      content: `Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true })`,
    })
  }
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

async function doNotTrackIsOn(context: BrowserContext): Promise<boolean> {
  const page = await context.newPage()
  try {
    return (await page.evaluate(() => navigator.doNotTrack)) === '1'
  } finally {
    await page.close()
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
  if (watchOrigin) {
    page.on('request', (request) => {
      if (request.url().startsWith(watchOrigin)) requestsTo.push(request.resourceType())
    })
  }
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
