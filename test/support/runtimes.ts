// The JavaScript runtimes that libraries built with popylar run in, each installed from the npm registry
// (the binary ships inside the package: no install script, no download of its own) into a cache under
// node_modules/.cache/popylar-runtimes/, on first use. A second run finds them there and starts at once.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const RUNTIME_CACHE = fileURLToPath(new URL('../../node_modules/.cache/popylar-runtimes/', import.meta.url))

export type RuntimeKind = 'node' | 'bun' | 'deno'

export interface Runtime {
  /** e.g. node18, bun, deno: the cache folder's name too. */
  name: string
  /** What the tracker reports as `runtime`. */
  kind: RuntimeKind
  /** Absolute path of the executable. */
  binary: string
  /** What the tracker reports as `runtime_version`, e.g. 18.20.8. */
  version: string
}

interface Package {
  /** The npm package (with a version range) that holds the binary for this machine. */
  spec: string
  /** The binary's path inside the install folder. */
  binary: string
}

const { platform, arch } = process

function unsupported(what: string): never {
  throw new Error(`no npm package of ${what} for ${platform}-${arch} is known to test/support/runtimes.ts`)
}

/** Installs spec into the runtime's cache folder unless its binary is there already; returns the binary. */
async function installed(name: string, { spec, binary }: Package): Promise<string> {
  const dir = join(RUNTIME_CACHE, name)
  const file = join(dir, binary)
  if (existsSync(file)) return file
  // Into a folder of its own first, then renamed: a run stopped halfway, or a second test process
  // installing at the same time, never leaves a cache folder that looks complete but is not.
  const staging = `${dir}.${process.pid}.installing`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  try {
    await npmInstall(staging, spec)
    try {
      renameSync(staging, dir)
    } catch (error) {
      if (!existsSync(file)) throw error // another process won the race only if its binary is in place
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
  chmodSync(file, 0o755)
  return file
}

function npmInstall(prefix: string, spec: string): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  return new Promise((resolve, reject) => {
    const child = spawn(
      npm,
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`npm install ${spec} failed (${code}):\n${stderr}`)),
    )
  })
}

/** The version the runtime reports about itself, as process.versions[kind] has it. */
function versionOf(binary: string): string {
  const printed = execFileSync(binary, ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
  })
  const match = /(\d+\.\d+\.\d+(?:-[\w.]+)?)/.exec(printed)
  if (!match) throw new Error(`${binary} --version printed no version: ${printed}`)
  return match[1]!
}

/** Node.js of one major version: the official binary, as the npm package node-<platform>-<arch>. */
export async function nodeRuntime(major: number): Promise<Runtime> {
  if (platform !== 'linux' && platform !== 'darwin') unsupported('Node.js')
  const binary = await installed(`node${major}`, {
    spec: `node-${platform}-${arch}@${major}`,
    binary: `node_modules/node-${platform}-${arch}/bin/node`,
  })
  return { name: `node${major}`, kind: 'node', binary, version: versionOf(binary) }
}

/** CPUs without AVX2 need Bun's baseline build. */
function hasAvx2(): boolean {
  try {
    return /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))
  } catch {
    return true
  }
}

/** Bun 1: @oven/bun-<platform>-<arch>, the package that the `bun` package's postinstall would pick. */
export async function bunRuntime(): Promise<Runtime> {
  const cpu =
    arch === 'arm64'
      ? 'aarch64'
      : arch === 'x64'
        ? platform === 'linux' && !hasAvx2()
          ? 'x64-baseline'
          : 'x64'
        : unsupported('Bun')
  if (platform !== 'linux' && platform !== 'darwin') unsupported('Bun')
  const pkg = `@oven/bun-${platform}-${cpu}`
  const binary = await installed('bun', { spec: `${pkg}@1`, binary: `node_modules/${pkg}/bin/bun` })
  return { name: 'bun', kind: 'bun', binary, version: versionOf(binary) }
}

/** Deno 2: @deno/<platform>-<arch>, the optional dependency that the `deno` package would install. */
export async function denoRuntime(): Promise<Runtime> {
  const pkg =
    platform === 'linux'
      ? `@deno/linux-${arch}-glibc`
      : platform === 'darwin'
        ? `@deno/darwin-${arch}`
        : unsupported('Deno')
  const binary = await installed('deno', { spec: `${pkg}@2`, binary: `node_modules/${pkg}/deno` })
  return { name: 'deno', kind: 'deno', binary, version: versionOf(binary) }
}

/** The Node.js that runs the tests. */
export function thisNode(): Runtime {
  return { name: 'node', kind: 'node', binary: process.execPath, version: process.versions.node }
}

/** Node (the one running the tests), Bun and Deno, by name: one of each runtime, for the tests that run a program in all three. */
export function everyRuntimeKind(): Record<string, Promise<Runtime>> {
  return { node: Promise.resolve(thisNode()), bun: bunRuntime(), deno: denoRuntime() }
}

/** Every runtime of the matrix, by name. */
export const RUNTIMES: Record<string, () => Promise<Runtime>> = {
  node18: () => nodeRuntime(18),
  node20: () => nodeRuntime(20),
  node22: () => nodeRuntime(22),
  node24: () => nodeRuntime(24),
  node26: () => nodeRuntime(26),
  bun: bunRuntime,
  deno: denoRuntime,
}
