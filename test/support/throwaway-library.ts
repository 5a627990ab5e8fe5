// Small libraries written into a temp dir for one test, and removed after it. They live outside the
// repository on purpose: nothing (no package.json, no node_modules) leaks in from the workspace.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface ThrowawayLibrary {
  dir: string
  path(relative: string): string
  write(relative: string, text: string): void
  read(relative: string): string
}

export interface LibraryOptions {
  /** The library's package.json; false: none at all. Default: a plain ESM package. */
  packageJson?: Record<string, unknown> | false
  /**
   * Packages from the workspace linked into the library's node_modules, so that config files and
   * scripts run in the library can import them by name, as a user's would.
   */
  link?: string[]
  /** The folder to create the library in (it then finds its packages in parent's node_modules). Default: the OS temp dir. */
  parent?: string
}

/** Where the workspace resolves its packages from. */
const workspaceRequire = createRequire(import.meta.url)

/** The folder of an installed package (works for packages whose exports hide package.json, too). */
export function packageFolder(name: string): string {
  const main = workspaceRequire.resolve(name)
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === name) return dir
    } catch {}
  }
  throw new Error(`no package.json named ${name} above ${main}`)
}

/** Anything that can clean up after a test: node:test's TestContext, or `after` itself. */
type Cleanup = { after(fn: () => void): void } | ((fn: () => void) => void)

export function throwawayLibrary(
  cleanup: Cleanup,
  files: Record<string, string>,
  options: LibraryOptions = {},
): ThrowawayLibrary {
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), 'popylar-lib-'))
  ;(typeof cleanup === 'function' ? cleanup : cleanup.after.bind(cleanup))(() =>
    rmSync(dir, { recursive: true, force: true }),
  )
  const library: ThrowawayLibrary = {
    dir,
    path: (relative) => join(dir, relative),
    write(relative, text) {
      mkdirSync(dirname(join(dir, relative)), { recursive: true })
      writeFileSync(join(dir, relative), text)
    },
    read: (relative) => readFileSync(join(dir, relative), 'utf8'),
  }
  const packageJson = options.packageJson ?? { name: 'throwaway-lib', version: '1.0.0', type: 'module' }
  if (packageJson) library.write('package.json', JSON.stringify(packageJson, null, 2))
  for (const [relative, text] of Object.entries(files)) library.write(relative, text)
  for (const name of options.link ?? []) {
    const target = join(dir, 'node_modules', name)
    mkdirSync(dirname(target), { recursive: true })
    symlinkSync(packageFolder(name), target, 'dir')
  }
  return library
}
