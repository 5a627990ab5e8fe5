// npm run test:unit: every unit test, the *.test.ts files beside the code in packages/*/src and tools/,
// imported into this one process, where node:test runs them (start it with --test-reporter=spec). One
// process: a child per file, as node --test runs them, takes seconds each on a busy machine.
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.turbo', '.tmp'])

/** Every *.test.ts under dir, at any depth, but not in dependencies or build output. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : testFiles(path)
    return entry.name.endsWith('.test.ts') ? [path] : []
  })
}

const folders = readdirSync(join(ROOT, 'packages')).map((name) => join(ROOT, 'packages', name, 'src'))
const files = [...folders, join(ROOT, 'tools')]
  .filter((folder) => existsSync(folder))
  .flatMap(testFiles)
  .sort()
if (!files.length) throw new Error('no *.test.ts in packages/*/src or tools/')

for (const file of files) {
  try {
    await import(pathToFileURL(file).href)
  } catch (error) {
    // A file that does not load is a failed test, with its error, not a line in the middle of the output.
    test(`${relative(ROOT, file)} loads`, () => {
      throw error
    })
  }
}
