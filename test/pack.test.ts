// What npm users get: the packed tarballs, installed from disk into a fresh project outside the
// repository (with the bundlers from the registry), used with the one config line, and run.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildWithConfig } from './support/config-builds.js'
import { run } from './support/run.js'
import { packageFolder, throwawayLibrary } from './support/throwaway-library.js'
import { collectorFor, singleImportEvent } from './support/tracked-run.js'

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = ['core', 'vite', 'webpack', 'esbuild'] as const
const BUNDLERS = ['vite', 'webpack', 'esbuild'] as const

interface PackedFile {
  path: string
}
interface Packed {
  /** The package's folder in the repository. */
  folder: string
  tarball: string
  files: string[]
}

const scratch = mkdtempSync(join(tmpdir(), 'popylar-pack-'))
const project = join(scratch, 'project')
const packed = new Map<string, Packed>()

after(() => rmSync(scratch, { recursive: true, force: true }))

async function npm(args: string[], cwd: string) {
  const result = await run('npm', args, { cwd, timeoutMs: 300_000 })
  assert.equal(result.code, 0, `npm ${args.join(' ')} failed:\n${result.stderr}`)
  return result
}

/** The version of a bundler the repository tests with: the same one goes into the fresh project. */
function workspaceVersion(name: string): string {
  return JSON.parse(readFileSync(join(packageFolder(name), 'package.json'), 'utf8')).version
}

// The slow part, done once: pack, then one install of everything.
before(async () => {
  const tarballs = join(scratch, 'tarballs')
  mkdirSync(tarballs)
  for (const name of PACKAGES) {
    const folder = join(REPOSITORY, 'packages', name)
    const { stdout } = await npm(['pack', '--json', '--pack-destination', tarballs], folder)
    const [report] = JSON.parse(stdout) as Array<{ filename: string; files: PackedFile[] }>
    packed.set(name, {
      folder,
      tarball: join(tarballs, report!.filename),
      files: report!.files.map((file) => file.path),
    })
  }
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', private: true, type: 'module' }))
  const bundlers = BUNDLERS.map((name) => `${name}@${workspaceVersion(name)}`)
  await npm(['install', '--no-audit', '--no-fund', ...[...packed.values()].map((p) => p.tarball), ...bundlers], project)
})

/** Every file that package.json points at (exports, main, module, types, bin). */
function pointedAt(manifest: Record<string, unknown>): string[] {
  const found: string[] = []
  const walk = (value: unknown) => {
    if (typeof value === 'string') found.push(value.replace(/^\.\//, ''))
    else if (value && typeof value === 'object') Object.values(value).forEach(walk)
  }
  walk(manifest.exports)
  walk(manifest.bin)
  for (const field of ['main', 'module', 'types']) walk(manifest[field])
  return found
}

for (const name of PACKAGES) {
  test(`@popylar/${name}: the tarball holds dist (.mjs, .cjs, .d.mts, .d.cts), README and LICENSE, and no sources or tests`, () => {
    const { folder, files } = packed.get(name)!
    for (const extension of ['.mjs', '.cjs', '.d.mts', '.d.cts']) {
      assert.ok(
        files.some((file) => file.startsWith('dist/') && file.endsWith(extension)),
        `dist/*${extension} is packed: ${files.join(', ')}`,
      )
    }
    for (const doc of ['README.md', 'LICENSE']) {
      if (existsSync(join(folder, doc))) assert.ok(files.includes(doc), `${doc} is packed`)
    }
    for (const file of files) {
      assert.doesNotMatch(file, /^(src|test|tests|scripts|fixtures)\//, `${file} is not for users`)
      assert.doesNotMatch(
        file,
        /\.(test|spec)\.|(^|\/)tsconfig[^/]*\.json$|(^|\/)tsdown\.config\./,
        `${file} is not for users`,
      )
      assert.ok(!/\.ts$/.test(file) || /\.d\.[cm]?ts$/.test(file), `${file}: TypeScript sources are not packed`)
    }
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
    for (const target of pointedAt(manifest))
      if (target !== 'package.json')
        assert.ok(files.includes(target), `package.json points at ${target}, which is packed`)
  })
}

/** The rows of a README's options table, spacing aside. */
function optionRows(readme: string): string[] {
  return readme
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.replace(/\s+/g, ' '))
}

for (const name of PACKAGES) {
  test(`@popylar/${name}: the README on npm stands alone (install, example, options, opt-out, working links)`, () => {
    const { folder, files } = packed.get(name)!
    assert.ok(files.includes('README.md'), 'the README is packed')
    const readme = readFileSync(join(folder, 'README.md'), 'utf8')
    assert.match(readme, new RegExp(`npm install --save-dev @popylar/${name}\n`))
    assert.match(readme, /popylar\('G-XXXXXXXXXX'\)/, 'an example with the one config line')
    const rows = optionRows(readFileSync(join(REPOSITORY, 'README.md'), 'utf8'))
    assert.ok(rows.length >= 8, "precondition: the repository README's options table")
    assert.deepEqual(optionRows(readme), rows, "the repository README's options table")
    assert.match(readme, /npx @popylar\/core opt-out/)
    assert.match(readme, /DO_NOT_TRACK=1/)
    // On npm, a relative link points at nothing: the README is the only page the package has.
    for (const [, target] of readme.matchAll(/\]\(([^)]*)\)/g)) assert.match(target!, /^https:\/\//, target)
  })
}

test('the installed packages load by import and by require, as the README shows', async () => {
  // "const popylar = require('@popylar/webpack')": the function itself, not { default }.
  const cjs = await run(
    process.execPath,
    [
      '-e',
      BUNDLERS.map((name) => `if (typeof require('@popylar/${name}')('G-TEST1234') !== 'object') process.exit(1)`).join(
        '\n',
      ),
    ],
    { cwd: project },
  )
  assert.equal(cjs.code, 0, cjs.stderr)
  const esm = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      BUNDLERS.map(
        (name) => `if (typeof (await import('@popylar/${name}')).default('G-TEST1234') !== 'object') process.exit(1)`,
      ).join('\n'),
    ],
    { cwd: project },
  )
  assert.equal(esm.code, 0, esm.stderr)
})

for (const bundler of BUNDLERS) {
  test(`@popylar/${bundler} from its tarball: the one config line builds a library that sends one event`, async (t) => {
    const collector = await collectorFor(t)
    const library = throwawayLibrary(
      t,
      { 'src/index.js': 'export const answer = () => 42\n' },
      { parent: project, packageJson: { name: `packed-with-${bundler}`, version: '3.1.4', type: 'module' } },
    )
    const build = await buildWithConfig(bundler, library, {
      importFrom: `@popylar/${bundler}`,
      popylarArgs: `'G-TEST1234'`,
    })
    assert.equal(build.code, 0, `the build failed:\n${build.output}`)
    const event = await singleImportEvent(collector, build.bundle)
    assert.equal(event.name, 'import')
    assert.equal(event.params.package_name, `packed-with-${bundler}`)
    assert.equal(event.params.package_version, '3.1.4')
  })
}
