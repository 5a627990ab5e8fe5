// npm run test:unit: every unit test, the *.test.ts files beside the code in packages/*/src and tools/,
// in one run of Node's test runner. Listed here because node --test takes no glob pattern before Node 21.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

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
  .map((file) => relative(ROOT, file))
  .sort()
// With no file named, node --test would look for tests everywhere, the end-to-end ones too.
if (!files.length) throw new Error('no *.test.ts in packages/*/src or tools/')

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: ROOT,
  stdio: 'inherit',
})
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0)
})
