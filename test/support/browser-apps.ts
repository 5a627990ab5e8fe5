// The consumers' side of a browser library: a temp project per test file, laid out as a web developer's
// would be: the web app (fixtures/browser-app-*) with @fixtures/browser-lib installed in its node_modules.
// The library is built from fixtures/browser-lib with the test's collector compiled in as its endpoint
// (in a browser nothing can override it at run time). Builds run as the developer runs them: Vite's CLI
// in a child process (it sets process.env.NODE_ENV for the whole process it runs in), webpack through
// its Node API with the fixture's own config, and the Vite dev server through createServer.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import webpack from 'webpack'
import { FIXTURES_DIR } from './fixtures.js'
import { run } from './run.js'

const require = createRequire(import.meta.url)
const VITE_CLI = join(require.resolve('vite/package.json'), '..', 'bin', 'vite.js')

export const BROWSER_LIB = '@fixtures/browser-lib'
const BROWSER_LIB_DIR = join(FIXTURES_DIR, 'browser-lib')
/** As in fixtures/browser-lib/vite.config.ts. */
export const BROWSER_LIB_MEASUREMENT_ID = 'G-BROWSER01'
export const BROWSER_LIB_VERSION = (
  JSON.parse(readFileSync(join(BROWSER_LIB_DIR, 'package.json'), 'utf8')) as { version: string }
).version

export type BrowserApp = 'browser-app-vite' | 'browser-app-webpack'

export interface ConsumerProject {
  /** The temp dir holding both apps; removed by remove(). */
  dir: string
  /** The copy of an app, with the library in its node_modules. */
  appDir(app: BrowserApp): string
  remove(): void
}

async function mustSucceed(
  what: string,
  result: Promise<{ code: number | null; stdout: string; stderr: string }>,
): Promise<void> {
  const { code, stdout, stderr } = await result
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${stdout}\n${stderr}`)
}

/** Copies an app's sources, leaving out what a build or npm made. */
function copyApp(app: BrowserApp, to: string): void {
  cpSync(join(FIXTURES_DIR, app), to, {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|dist|\.turbo)$/.test(source),
  })
}

/** Builds the library with `endpoint` compiled in, and installs it into a fresh copy of each app. */
export async function createConsumerProject(endpoint: string): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), 'popylar-browser-'))
  const built = join(dir, 'browser-lib')
  await mustSucceed(
    'vite build of fixtures/browser-lib',
    run(process.execPath, [VITE_CLI, 'build', '--outDir', join(built, 'dist'), '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: BROWSER_LIB_DIR,
      env: { FIXTURE_COLLECTOR_URL: endpoint },
      timeoutMs: 60_000,
    }),
  )
  cpSync(join(BROWSER_LIB_DIR, 'package.json'), join(built, 'package.json'))
  const apps: BrowserApp[] = ['browser-app-vite', 'browser-app-webpack']
  for (const app of apps) {
    copyApp(app, join(dir, app))
    const installed = join(dir, app, 'node_modules', BROWSER_LIB)
    mkdirSync(installed, { recursive: true })
    cpSync(built, installed, { recursive: true })
  }
  return { dir, appDir: (app) => join(dir, app), remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** `vite build`, as the app's build script runs it; returns the output dir. */
export async function viteBuild(appDir: string): Promise<string> {
  await mustSucceed(
    'vite build of the app',
    run(process.execPath, [VITE_CLI, 'build', '--logLevel', 'warn'], { cwd: appDir, timeoutMs: 60_000 }),
  )
  return join(appDir, 'dist')
}

/** webpack with the app's own webpack.config.cjs and `--mode`; returns the output dir. */
export async function webpackBuild(appDir: string, mode: 'production' | 'development'): Promise<string> {
  const configure = require(join(appDir, 'webpack.config.cjs')) as (
    env: Record<string, unknown>,
    argv: { mode: string },
  ) => webpack.Configuration
  const config = configure({}, { mode })
  await new Promise<void>((resolve, reject) => {
    webpack(config, (error, stats) => {
      if (error) return reject(error)
      if (stats?.hasErrors()) return reject(new Error(stats.toString('errors-only')))
      resolve()
    })
  })
  return config.output!.path!
}

/** The Vite dev server on 127.0.0.1, on a free port. */
export async function viteDevServer(appDir: string): Promise<{ url: string; server: ViteDevServer }> {
  const server = await createServer({
    root: appDir,
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  })
  await server.listen()
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('the Vite dev server did not say where it listens')
  return { url, server }
}

/** Every JavaScript file a build emitted, with its text. */
export function emittedScripts(outDir: string): Array<{ file: string; text: string }> {
  const files: Array<{ file: string; text: string }> = []
  for (const name of readdirSync(outDir, { recursive: true }) as string[]) {
    const file = join(outDir, name)
    if (/\.[cm]?js$/.test(name) && statSync(file).isFile()) files.push({ file, text: readFileSync(file, 'utf8') })
  }
  return files
}
