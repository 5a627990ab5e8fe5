// The running program as the tracker sees it: which runtime, and the few builtins it needs.
// No static import of node: modules, so that a browser bundle containing the tracker still builds.
import type * as Fs from 'node:fs'
import type * as Path from 'node:path'

export interface ServerHost {
  kind: 'node' | 'bun' | 'deno'
  version: string
  env: Record<string, string | undefined>
  fs: typeof Fs
  path: typeof Path
  /** A random UUID v4, for the client id. */
  randomUUID: () => string
  /** Loads another builtin when it is needed (net, tls, dns: only for sending, and only those the request needs). */
  builtin: (name: string) => Promise<any>
  process: NodeJS.Process
}

export interface BrowserHost {
  kind: 'browser'
  version: string
}

export type Host = ServerHost | BrowserHost

declare const Deno: { permissions: { querySync(p: { name: string }): { state: string } } } | undefined

/** A builtin at once, where the runtime has process.getBuiltinModule (Node 20.16+ and 22.3+, Bun, Deno); else undefined. */
function builtinAtOnce(name: string): any {
  return (globalThis.process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(`node:${name}`)
}

/** A builtin where it loads at once; elsewhere (browsers, Node before 20.16) globalThis, which has what the caller needs. */
export function builtinOrGlobal<T>(name: string): T {
  try {
    return builtinAtOnce(name) ?? globalThis
  } catch {
    return globalThis as T
  }
}

/**
 * The timers module's functions: a test's fake timers (Jest's, sinon's) replace only the globals, so the
 * tracker's own timers stay out of the test's sight, and still run.
 */
export const realTimers = () =>
  builtinOrGlobal<
    Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> & { setImmediate?: (fn: () => void) => unknown }
  >('timers')

/**
 * Runs fn once the running script or module graph has finished. setImmediate where there is one: Bun's fake
 * timers take over every setTimeout natively, even the timers module's, but leave setImmediate alone.
 */
export function afterThisTurn(fn: () => void): void {
  const timers = realTimers()
  timers.setImmediate ? timers.setImmediate(fn) : timers.setTimeout(fn, 0)
}

/** Loads a builtin without an import statement a bundler could see. */
function loadBuiltin(name: string): Promise<any> {
  // Older Node: a dynamic import hidden in a string, which no bundler rewrites.
  return Promise.resolve(builtinAtOnce(name) ?? new Function('s', 'return import(s)')(`node:${name}`))
}

/** Deno prompts or throws on a missing permission: check first, and go on only when it is already granted. */
export function denoGranted(...names: string[]): boolean {
  try {
    return typeof Deno !== 'object' || names.every((name) => Deno!.permissions.querySync({ name }).state === 'granted')
  } catch {
    return false
  }
}

/**
 * A worker has globals of its own, so it would count the package again: its process is counted by the main thread.
 * Deno's workers are the Web's; Bun says so itself; a Node (or Bun, or Deno) worker thread has process.chdir
 * disabled, which is cheaper to ask than worker_threads (2 ms to load).
 */
function inWorker(proc: NodeJS.Process): boolean {
  const bun = (globalThis as { Bun?: { isMainThread?: boolean } }).Bun
  return (
    'WorkerGlobalScope' in globalThis ||
    bun?.isMainThread === false ||
    !!(proc.chdir as { disabled?: boolean }).disabled
  )
}

/** A main thread of Node, Bun or Deno with the permissions the tracker needs. */
function serverAllowed(proc: NodeJS.Process): boolean {
  return denoGranted('env', 'read', 'net') && !inWorker(proc)
}

function serverHost(
  proc: NodeJS.Process,
  fs: typeof Fs,
  path: typeof Path,
  crypto?: { randomUUID(): string },
): ServerHost {
  const { versions } = proc
  const randomUUID = () => (crypto ?? builtinAtOnce('crypto')).randomUUID()
  const kind = versions.bun ? 'bun' : versions.deno ? 'deno' : 'node'
  return { kind, version: versions[kind]!, env: proc.env, fs, path, randomUUID, builtin: loadBuiltin, process: proc }
}

/** The host, or undefined where the tracker must stay silent (workers, edge runtimes, denied permissions). */
export async function detectHost(): Promise<Host | undefined> {
  const proc = globalThis.process
  const versions = proc?.versions
  if (versions?.node && typeof proc.on === 'function') {
    if (!serverAllowed(proc)) return
    const [fs, path] = await Promise.all(['fs', 'path'].map(loadBuiltin))
    // Loading crypto takes 3 ms, and only a machine's first run needs it: loaded then, where it can be loaded at once.
    return serverHost(proc, fs, path, 'getBuiltinModule' in proc ? undefined : await loadBuiltin('crypto'))
  }
  if (typeof document === 'object') {
    const match = /(Firefox|Edg|Chrome|Safari)\/(\d+)/.exec(navigator.userAgent)
    return { kind: 'browser', version: match ? `${match[1]} ${match[2]}` : '' }
  }
}

/** The server host without waiting, where builtins load at once (process.getBuiltinModule): at exit, nothing can wait. */
export function serverHostAtOnce(): ServerHost | undefined {
  const [fs, path] = [builtinAtOnce('fs'), builtinAtOnce('path')]
  if (fs && path && serverAllowed(globalThis.process)) return serverHost(globalThis.process, fs, path)
}

/**
 * Calls fn when the process exits, unless one more listener would pass the process's limit: Node and Deno
 * would then print a MaxListenersExceededWarning, and the tracker never prints. True when added.
 */
export function onExit(proc: NodeJS.Process, fn: () => void): boolean {
  const max = proc.getMaxListeners?.() ?? 10
  return (!max || proc.listenerCount('exit') < max) && !!proc.once('exit', fn)
}

/** A folder named by the environment, if absolute: a relative one would land in the working directory (the XDG spec ignores it). */
export function absolute(host: ServerHost, dir: string | undefined): string | undefined {
  return dir && host.path.isAbsolute(dir) ? dir : undefined
}

/** The user's home: from the environment only, so that no home means no config, and nothing is sent. */
export function homeDir(host: ServerHost): string | undefined {
  return absolute(host, host.env.HOME || host.env.USERPROFILE)
}

/** GA4 parameters that describe the runtime: nothing that identifies a person or a machine. */
export function runtimeParams(host: Host): Record<string, string> {
  const server = host.kind !== 'browser'
  return {
    runtime: host.kind,
    runtime_version: host.version,
    os: server
      ? host.process.platform
      : (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform || '',
    arch: server ? host.process.arch : '',
  }
}
