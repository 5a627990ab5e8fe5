// What the tracker writes on the user's disk, and where it writes nothing: folders only the user can
// open and files only the user can read whatever the umask, never a home that does not exist, a
// config.json kept in a dotfiles folder stays a link, a full disk leaves nothing behind, and a program
// that may not write its config folder sends nothing. In Node, Bun and Deno.
import assert from 'node:assert/strict'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { tinyLibrary } from './support/library.js'
import { POPYLAR_BIN } from './support/machine.js'
import { run, type Home } from './support/run.js'
import { runProgram, type ProgramOptions } from './support/runtime-program.js'
import { everyRuntimeKind, type Runtime } from './support/runtimes.js'
import { stalledListener, type StalledListener } from './support/stalled-listener.js'
import { tempHome, writeConfigFile } from './support/temp-home.js'
import { tinyDisk } from './support/tiny-disk.js'

const CLIENT_ID = '7bc11503-ad61-421b-a481-59a55d518ef1'
const TIMEOUT_MS = 60_000
const INSTALL_TIMEOUT_MS = 10 * 60_000
/** --permission since Node 22.13, --experimental-permission before. */
const NODE_PERMISSION = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission'

let collector: Collector
let stalled: StalledListener
const library = (await tinyLibrary(after, { name: 'disk-lib' })).esm
before(async () => {
  ;[collector, stalled] = await Promise.all([startCollector(), stalledListener()])
})
after(async () => {
  stalled.close()
  await collector.close()
})

/** Every file and folder under dir, relative to it, with its mode (a link as "-> target"). */
function tree(dir: string): Record<string, string> {
  const found: Record<string, string> = {}
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name)
      const stat = lstatSync(path)
      found[relative(dir, path)] = stat.isSymbolicLink()
        ? `-> ${readlinkSync(path)}`
        : (stat.mode & 0o777).toString(8).padStart(4, '0')
      if (stat.isDirectory()) walk(path)
    }
  }
  if (existsSync(dir)) walk(dir)
  return found
}

const popylarDir = (home: Home) => join(home.configHome, 'popylar')
/** A program that imports the library, then works a moment: long enough for Deno, which exits as soon as it can, to connect. */
const importing = (): Pick<ProgramOptions, 'source' | 'type'> => ({
  source: `import ${JSON.stringify(pathToFileURL(library).href)}\nsetTimeout(() => {}, 200)\n`,
  type: 'module',
})
const umask000 = ['sh', '-c', 'umask 000; exec "$@"', 'sh']

for (const [name, pending] of Object.entries(everyRuntimeKind())) {
  pending.catch(() => {}) // reported by the group's before()
  describe(`what the tracker writes, in ${name}`, () => {
    let runtime: Runtime
    before(
      async () => {
        runtime = await pending
      },
      { timeout: INSTALL_TIMEOUT_MS },
    )
    const program = (t: { after(fn: () => void): void }, options: Partial<ProgramOptions>) =>
      runProgram(t, runtime, collector, { ...importing(), ...options })

    test('under umask 000, popylar/ and outbox/ are created 0700, config.json and a file of kept events 0600', {
      timeout: TIMEOUT_MS,
    }, async (t) => {
      const home = tempHome(t)
      const cut = await program(t, { home, prefix: umask000, env: { POPYLAR_ENDPOINT: stalled.url } })
      assert.equal(cut.code, 0, cut.stderr)
      const files = tree(home.configHome)
      const kept = Object.keys(files).filter((path) => path.startsWith('popylar/outbox/'))
      assert.equal(kept.length, 1, `one file of kept events: ${JSON.stringify(files)}`)
      assert.deepEqual(files, {
        popylar: '0700',
        'popylar/config.json': '0600',
        'popylar/outbox': '0700',
        [kept[0]!]: '0600',
      })
      assert.equal((statSync(home.configHome).mode & 0o777).toString(8), '700', 'the config home it made, too')
    })

    test('HOME names a folder that does not exist: it is not created, and nothing is sent', {
      timeout: TIMEOUT_MS,
    }, async (t) => {
      const home = tempHome(t)
      const missing = join(home.dir, 'gone')
      // Bun and Deno make a missing home themselves, for their caches: pointed elsewhere, what is checked is the tracker.
      const caches = { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', DENO_DIR: join(home.dir, 'deno-cache') }
      const envs: Array<Record<string, string>> = [
        { ...caches, HOME: missing, XDG_CONFIG_HOME: '' },
        { ...caches, XDG_CONFIG_HOME: join(missing, '.config') },
      ]
      for (const env of envs) {
        const result = await program(t, { home, env })
        assert.deepEqual([result.code, result.stderr], [0, ''], JSON.stringify(env))
        assert.deepEqual(result.requests, [], `nothing sent with ${JSON.stringify(env)}`)
        assert.equal(existsSync(missing), false, `${missing} was not created (${JSON.stringify(env)})`)
      }
    })

    test('a config.json that is a link into a dotfiles folder stays a link; its target gets the client id', {
      timeout: TIMEOUT_MS,
    }, async (t) => {
      for (const existing of [true, false]) {
        const home = tempHome(t)
        const dotfiles = join(home.dir, 'dotfiles')
        mkdirSync(dotfiles)
        mkdirSync(popylarDir(home), { recursive: true })
        const target = join(dotfiles, 'popylar.json')
        if (existing) writeFileSync(target, JSON.stringify({ packages: { 'other-lib': { track: false } } }))
        symlinkSync('../../dotfiles/popylar.json', home.configFile)
        const result = await program(t, { home, expect: 1 })
        assert.equal(result.requests.length, 1, `sent (${existing ? 'existing target' : 'dangling link'})`)
        assert.equal(lstatSync(home.configFile).isSymbolicLink(), true, 'config.json is still a link')
        const written = JSON.parse(readFileSync(target, 'utf8'))
        assert.equal(written.clientId, result.requests[0]!.clientId, 'the target holds the client id')
        if (existing) assert.deepEqual(written.packages, { 'other-lib': { track: false } }, 'and what it held')
        assert.deepEqual(readdirSync(dotfiles), ['popylar.json'], 'no temporary file left beside it')
      }
    })

    test('a full disk: nothing is sent or kept, no temporary file is left, and the next run with space sends', {
      timeout: TIMEOUT_MS,
    }, async (t) => {
      const home = tempHome(t)
      const disk = tinyDisk(t, home.configHome)
      disk.fill()
      const fresh = await program(t, { home })
      assert.deepEqual([fresh.code, fresh.stderr, fresh.requests], [0, '', []], 'no client id could be written')
      assert.deepEqual(tree(home.configHome), { '.filler': '0644', popylar: '0700' }, 'no config.json.…tmp')
      disk.free()
      const sent = await program(t, { home, expect: 1 })
      assert.equal(sent.requests.length, 1)

      disk.fill()
      const cut = await program(t, { home, env: { POPYLAR_ENDPOINT: stalled.url } })
      assert.deepEqual([cut.code, cut.stderr], [0, ''])
      assert.deepEqual(
        tree(home.configHome),
        { '.filler': '0644', popylar: '0700', 'popylar/config.json': '0600', 'popylar/outbox': '0700' },
        'the event could not be kept, and no ….tmp stays in the outbox',
      )
      disk.unmount() // before the home is removed
    })

    test('a program that may not write its config folder sends nothing, even with a client id already there', {
      timeout: TIMEOUT_MS,
    }, async (t) => {
      const home = tempHome(t)
      writeConfigFile(home, { clientId: CLIENT_ID })
      const allowed = await program(t, { home, expect: 1 })
      assert.equal(allowed.requests.length, 1, 'with every permission: sent')
      // Bun has no permission model: its programs may always write.
      if (runtime.kind === 'bun') return
      const readOnly = await program(t, {
        home,
        denoPermissions: ['--allow-env', '--allow-read', '--allow-net'],
        runtimeArgs: [NODE_PERMISSION, '--allow-fs-read=*'],
      })
      assert.deepEqual([readOnly.code, readOnly.requests], [0, []], readOnly.stderr)
    })
  })
}

test('popylar opt-out on a full disk says in one line that the choice could not be saved, and leaves nothing behind', async (t) => {
  const home = tempHome(t)
  const disk = tinyDisk(t, home.configHome)
  writeConfigFile(home, { clientId: CLIENT_ID })
  disk.fill()
  const result = await run(process.execPath, [POPYLAR_BIN, 'opt-out'], { env: home.env, cwd: home.cwd })
  assert.equal(result.code, 1)
  assert.equal(result.stdout, '')
  assert.match(
    result.stderr,
    /^popylar: could not save the choice in \S+config\.json: no space left on device \(ENOSPC\)\. Nothing was changed\.\n$/,
  )
  assert.deepEqual(JSON.parse(readFileSync(home.configFile, 'utf8')), { clientId: CLIENT_ID }, 'config.json unchanged')
  assert.deepEqual(Object.keys(tree(home.configHome)).sort(), ['.filler', 'popylar', 'popylar/config.json'])
  disk.unmount() // before the home is removed
})
