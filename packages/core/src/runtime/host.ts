// The running program as the tracker sees it: which runtime, and the few builtins it needs.
// No static import of node: modules, so that a browser bundle containing the tracker still builds.
import type * as Fs from 'node:fs'
import type * as Path from 'node:path'
import type * as Os from 'node:os'
import type * as Net from 'node:net'
import type * as Tls from 'node:tls'
import type * as Dns from 'node:dns'
import type * as Crypto from 'node:crypto'

export interface ServerHost {
  kind: 'node' | 'bun' | 'deno'
  version: string
  env: Record<string, string | undefined>
  fs: typeof Fs
  path: typeof Path
  os: typeof Os
  net: typeof Net
  tls: typeof Tls
  dns: typeof Dns
  crypto: typeof Crypto
  process: NodeJS.Process
}

export interface BrowserHost {
  kind: 'browser'
  version: string
}

export type Host = ServerHost | BrowserHost

declare const Deno: { permissions: { querySync(p: { name: string }): { state: string } } } | undefined

const builtins = ['fs', 'path', 'os', 'net', 'tls', 'dns', 'crypto'] as const

/** Loads a builtin without an import statement a bundler could see. */
function loadBuiltin(name: string): unknown {
  const proc = globalThis.process as NodeJS.Process & { getBuiltinModule?: (id: string) => unknown }
  if (proc.getBuiltinModule) return proc.getBuiltinModule('node:' + name)
  // Node < 20.16: a dynamic import hidden in a string, which no bundler rewrites.
  return new Function('s', 'return import(s)')('node:' + name)
}

/** Deno prompts or throws on a missing permission: check first, and go on only when it is already granted. */
export function denoGranted(...names: string[]): boolean {
  if (typeof Deno !== 'object' || !Deno) return true
  try {
    return names.every((name) => Deno!.permissions.querySync({ name }).state === 'granted')
  } catch {
    return false
  }
}

/** The host, or undefined where the tracker must stay silent (workers, edge runtimes, denied permissions). */
export async function detectHost(): Promise<Host | undefined> {
  const proc = globalThis.process
  const versions = proc && proc.versions
  if (versions && versions.node && typeof proc.on === 'function') {
    if (!denoGranted('env', 'read', 'net')) return undefined
    const modules = await Promise.all(builtins.map(loadBuiltin))
    const [fs, path, os, net, tls, dns, crypto] = modules as [ServerHost['fs'], ServerHost['path'], ServerHost['os'], ServerHost['net'], ServerHost['tls'], ServerHost['dns'], ServerHost['crypto']]
    const kind = versions.bun ? 'bun' : versions.deno ? 'deno' : 'node'
    return { kind, version: (versions[kind] ?? ''), env: proc.env, fs, path, os, net, tls, dns, crypto, process: proc }
  }
  if (typeof window === 'object' && typeof navigator === 'object' && typeof document === 'object') {
    const match = /(Firefox|Edg|Chrome|Version)\/(\d+)/.exec(navigator.userAgent)
    return { kind: 'browser', version: match ? match[1] + ' ' + match[2] : '' }
  }
  return undefined
}

/** GA4 parameters that describe the runtime: nothing that identifies a person or a machine. */
export function runtimeParams(host: Host): Record<string, string> {
  if (host.kind === 'browser') {
    const nav = navigator as Navigator & { userAgentData?: { platform?: string } }
    return { runtime: 'browser', runtime_version: host.version, os: nav.userAgentData?.platform || '', arch: '' }
  }
  return { runtime: host.kind, runtime_version: host.version, os: host.process.platform, arch: host.process.arch }
}
