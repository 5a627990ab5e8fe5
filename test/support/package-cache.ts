// Binaries that ship inside npm packages (runtimes, a browser), installed on first use into
// node_modules/.cache/popylar-runtimes/, one folder per package and exact version. A folder, once
// complete, is never written again: checkouts that share the cache and pin other versions each find
// their own, and a second run starts at once.
import { execFile, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_CACHE = fileURLToPath(new URL('../../node_modules/.cache/popylar-runtimes/', import.meta.url))

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

export interface CachedPackage {
  /** The npm package, e.g. @oven/bun-linux-x64. */
  name: string
  /** An exact version. */
  version: string
  /** The executable's path inside the cache folder, e.g. node_modules/@oven/bun-linux-x64/bin/bun. */
  binary: string
  /** Work to finish before the folder counts as complete, such as unpacking the binary (given the folder). */
  prepare?: (dir: string) => Promise<void>
}

/** The cache folder of one version of one package: @oven/bun-linux-x64 1.4.5 is oven-bun-linux-x64@1.4.5. */
export function cacheFolder(name: string, version: string): string {
  return join(PACKAGE_CACHE, `${name.replace(/^@/, '').replace('/', '-')}@${version}`)
}

/** Installs the package into its cache folder unless it is there already; returns the binary's absolute path. */
export async function cachedBinary(pkg: CachedPackage): Promise<string> {
  const dir = cacheFolder(pkg.name, pkg.version)
  const file = join(dir, pkg.binary)
  if (existsSync(file)) return file
  // Into a folder of its own first, then renamed: a run stopped halfway, or a second test process
  // installing at the same time, never leaves a cache folder that looks complete but is not.
  const staging = `${dir}.${process.pid}.installing`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  try {
    await npmInstall(staging, `${pkg.name}@${pkg.version}`)
    await pkg.prepare?.(staging)
    chmodSync(join(staging, pkg.binary), 0o755)
    try {
      renameSync(staging, dir)
    } catch (error) {
      if (!existsSync(file)) throw error // another process won the race only if its binary is in place
    }
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
  return file
}

function npmInstall(prefix: string, spec: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      NPM,
      // Only files are wanted: no install script runs, and a package's engines field (the browser's asks for
      // a newer Node than its binary needs) never stops the install.
      [
        'install',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--ignore-scripts',
        '--engine-strict=false',
        '--loglevel=error',
        spec,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`npm install ${spec} failed (${code}):\n${stderr}`))
    })
  })
}

/** Every published version of a package, as the registry lists them. */
export function publishedVersions(name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(NPM, ['view', name, 'versions', '--json'], { maxBuffer: 64 * 2 ** 20 }, (error, stdout) => {
      if (error) reject(new Error(`npm view ${name} versions failed: ${error.message}`))
      else resolve([JSON.parse(stdout)].flat())
    })
  })
}

/** The newest release (no pre-release) among versions, optionally within one major version. */
export function newestRelease(versions: string[], major?: number): string | undefined {
  const releases = versions
    .map((version) => ({ version, parts: /^(\d+)\.(\d+)\.(\d+)$/.exec(version)?.slice(1).map(Number) }))
    .filter((release): release is { version: string; parts: number[] } => release.parts !== undefined)
    .filter((release) => major === undefined || release.parts[0] === major)
  releases.sort((a, b) => a.parts[0]! - b.parts[0]! || a.parts[1]! - b.parts[1]! || a.parts[2]! - b.parts[2]!)
  return releases.at(-1)?.version
}
