// The JavaScript runtimes that libraries built with popylar run in, each the real binary from the npm
// registry (it ships inside the package: no install script, no download of its own), at the version
// pinned in pinned-versions.ts. POPYLAR_RUNTIME_VERSIONS, a JSON object such as {"deno": "2.9.5"}, runs
// other versions (test/runtime-matrix.ts --latest sets it to the newest release of each).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cachedBinary, newestRelease, publishedVersions } from './package-cache.js'
import { RUNTIME_VERSIONS, type RuntimeName } from './pinned-versions.js'

export type RuntimeKind = 'node' | 'bun' | 'deno'

export interface Runtime {
  /** e.g. node18, bun, deno: a runtime of the matrix; node for the Node.js that runs the tests. */
  name: RuntimeName | 'node'
  /** What the tracker reports as `runtime`. */
  kind: RuntimeKind
  /** Absolute path of the executable. */
  binary: string
  /** What the tracker reports as `runtime_version`, e.g. 18.20.8. */
  version: string
}

const { platform, arch } = process

/** The versions to run: the pinned ones, but for those that POPYLAR_RUNTIME_VERSIONS names. */
function versionsToRun(): Record<RuntimeName, string> {
  const chosen = process.env.POPYLAR_RUNTIME_VERSIONS
  return { ...RUNTIME_VERSIONS, ...(chosen ? JSON.parse(chosen) : {}) }
}

function unsupported(what: string): never {
  throw new Error(`no npm package of ${what} for ${platform}-${arch} is known to test/support/runtimes.ts`)
}

/** The version the runtime reports about itself, as process.versions[kind] has it. */
function reportedVersion(binary: string): string {
  const printed = execFileSync(binary, ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
  })
  const match = /(\d+\.\d+\.\d+(?:-[\w.]+)?)/.exec(printed)
  if (!match) throw new Error(`${binary} --version printed no version: ${printed}`)
  return match[1]!
}

interface RuntimePackage {
  kind: RuntimeKind
  /** The npm package that holds the binary for this machine. */
  pkg: string
  /** The binary's path inside the install folder. */
  binary: string
  /** Node's packages hold every major version: the matrix keeps each runtime to its own. */
  major?: number
}

async function install(name: RuntimeName, { kind, pkg, binary }: RuntimePackage): Promise<Runtime> {
  const file = await cachedBinary({ name: pkg, version: versionsToRun()[name], binary })
  return { name, kind, binary: file, version: reportedVersion(file) }
}

/** Node.js of one major version: the official binary, as the npm package node-<platform>-<arch>. */
function nodePackage(major: number): RuntimePackage {
  if (platform !== 'linux' && platform !== 'darwin') unsupported('Node.js')
  const pkg = `node-${platform}-${arch}`
  return { kind: 'node', pkg, binary: `node_modules/${pkg}/bin/node`, major }
}

/** CPUs without AVX2 need Bun's baseline build. */
function hasAvx2(): boolean {
  try {
    return /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))
  } catch {
    return true
  }
}

/** Bun's build for this CPU, as the `bun` package's postinstall would pick it. */
function bunCpu(): string {
  if (arch === 'arm64') return 'aarch64'
  if (arch !== 'x64') unsupported('Bun')
  return platform === 'linux' && !hasAvx2() ? 'x64-baseline' : 'x64'
}

/** Bun: @oven/bun-<platform>-<cpu>. */
function bunPackage(): RuntimePackage {
  if (platform !== 'linux' && platform !== 'darwin') unsupported('Bun')
  const pkg = `@oven/bun-${platform}-${bunCpu()}`
  return { kind: 'bun', pkg, binary: `node_modules/${pkg}/bin/bun` }
}

/** Deno: @deno/<platform>-<arch>, the optional dependency that the `deno` package would install. */
function denoPackage(): RuntimePackage {
  if (platform !== 'linux' && platform !== 'darwin') unsupported('Deno')
  const pkg = platform === 'linux' ? `@deno/linux-${arch}-glibc` : `@deno/darwin-${arch}`
  return { kind: 'deno', pkg, binary: `node_modules/${pkg}/deno` }
}

const PACKAGES: Record<RuntimeName, () => RuntimePackage> = {
  node18: () => nodePackage(18),
  node20: () => nodePackage(20),
  node22: () => nodePackage(22),
  node24: () => nodePackage(24),
  node26: () => nodePackage(26),
  bun: bunPackage,
  deno: denoPackage,
}

export { PACKAGE_CACHE as RUNTIME_CACHE } from './package-cache.js'

export const nodeRuntime = (major: 18 | 20 | 22 | 24 | 26): Promise<Runtime> =>
  install(`node${major}`, nodePackage(major))
export const bunRuntime = (): Promise<Runtime> => install('bun', bunPackage())
export const denoRuntime = (): Promise<Runtime> => install('deno', denoPackage())

/** The Node.js that runs the tests. */
export function thisNode(): Runtime {
  return { name: 'node', kind: 'node', binary: process.execPath, version: process.versions.node }
}

/** Node (the one running the tests), Bun and Deno, by name: one of each runtime, for the tests that run a program in all three. */
export function everyRuntimeKind(): Record<string, Promise<Runtime>> {
  return { node: Promise.resolve(thisNode()), bun: bunRuntime(), deno: denoRuntime() }
}

/** Every runtime of the matrix, by name: each installs on first use. */
export const RUNTIMES = Object.fromEntries(
  Object.entries(PACKAGES).map(([name, describe]) => [name, () => install(name as RuntimeName, describe())]),
) as Record<RuntimeName, () => Promise<Runtime>>

/** The newest release of each runtime on npm: of the same major version for Node, of all for Bun and Deno. */
export async function newestVersions(): Promise<Record<RuntimeName, string>> {
  const entries = await Promise.all(
    Object.entries(PACKAGES).map(async ([name, describe]) => {
      const { pkg, major } = describe()
      const newest = newestRelease(await publishedVersions(pkg), major)
      if (!newest) throw new Error(`npm lists no release of ${pkg}${major === undefined ? '' : ` ${major}.x`}`)
      return [name, newest]
    }),
  )
  return Object.fromEntries(entries)
}
