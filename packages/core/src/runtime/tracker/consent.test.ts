import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import type { ConfigData, ConfigRead } from './config-file.js'
import { envFlag, isCI, machineRefusal, packageRefusal, projectPackageJson, pythonPopylarFile } from './consent.js'
import type { ServerHost } from './host.js'

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'popylar-consent-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The host as the tracker sees it in Node, with the environment and working directory given. */
function hostWith(env: Record<string, string | undefined>, cwd = '/'): ServerHost {
  return {
    kind: 'node',
    version: process.versions.node,
    env,
    fs,
    path,
    randomUUID,
    builtin: (name) => import(`node:${name}`),
    process: Object.create(process, { cwd: { value: () => cwd } }),
  }
}

const NOTHING_CHOSEN: ConfigRead = { ok: true, data: {}, exists: false }

describe('envFlag', () => {
  test('unset, empty, 0 or false (any case, any spaces around): not set', () => {
    for (const value of [undefined, '', '0', 'false', 'FALSE', 'False', ' 0 ', 'false\n']) {
      assert.equal(envFlag(value), false, JSON.stringify(value))
    }
  })

  test('anything else: set', () => {
    for (const value of ['1', 'true', 'yes', 'on', 'no', '00', '0.0', 'falsey']) {
      assert.equal(envFlag(value), true, JSON.stringify(value))
    }
  })
})

describe('isCI', () => {
  test('each variable that CI services set', () => {
    for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'TF_BUILD']) {
      assert.equal(isCI({ [name]: '1' }), true, name)
      assert.equal(isCI({ [name]: 'True' }), true, name)
    }
  })

  test('none of them, or each switched off', () => {
    assert.equal(isCI({}), false)
    assert.equal(isCI({ CI: 'false', BUILD_NUMBER: '0', TF_BUILD: '' }), false)
    assert.equal(isCI({ GITHUB_ACTIONS_LIKE: 'true', PATH: '/usr/bin' }), false)
  })
})

describe("pythonPopylarFile: the Python popylar's ~/.popylar", () => {
  function saying(t: TestContext, text: string | undefined) {
    const home = tempDir(t)
    if (text !== undefined) fs.writeFileSync(path.join(home, '.popylar'), text)
    return pythonPopylarFile(hostWith({ HOME: home }))
  }

  test('in the home folder', (t) => {
    const home = tempDir(t)
    assert.equal(pythonPopylarFile(hostWith({ HOME: home })).file, path.join(home, '.popylar'))
  })

  test('"track = False", as popylar writes it in its [user] section: no', (t) => {
    assert.equal(saying(t, '[user]\nuid = 1234\ntrack = False\n').no, true)
  })

  test('every way INI writes false, with = or :, any spaces and case, and the DO_NOT_TRACK marker: no', (t) => {
    for (const text of [
      'track=false',
      'track: no',
      '  track =  off  ',
      'TRACK = 0',
      'track=False\r\n',
      'DO_NOT_TRACK',
    ]) {
      assert.equal(saying(t, text).no, true, JSON.stringify(text))
    }
  })

  test('true, another key, a comment, or no file: not a no', (t) => {
    for (const text of [undefined, '', 'track = True', 'tracking = False', '# track = False', 'track = Falsey']) {
      assert.equal(saying(t, text).no, false, JSON.stringify(text))
    }
  })

  test('a folder where the file should be: not a no, and nothing thrown', (t) => {
    const home = tempDir(t)
    fs.mkdirSync(path.join(home, '.popylar'))
    assert.equal(pythonPopylarFile(hostWith({ HOME: home })).no, false)
  })
})

describe('projectPackageJson: the package.json nearest above the working directory', () => {
  function project(t: TestContext, manifest: string): { root: string; deep: string } {
    const root = tempDir(t)
    const deep = path.join(root, 'src', 'deep')
    fs.mkdirSync(deep, { recursive: true })
    fs.writeFileSync(path.join(root, 'package.json'), manifest)
    return { root, deep }
  }

  test('"popylar": {"track": false}, found from a folder below: no', (t) => {
    const { root, deep } = project(t, JSON.stringify({ name: 'app', popylar: { track: false } }))
    assert.deepEqual(projectPackageJson(hostWith({}, deep)), { file: path.join(root, 'package.json'), no: true })
  })

  test('saved with a byte order mark: still read', (t) => {
    const { deep } = project(t, `\uFEFF${JSON.stringify({ popylar: { track: false } })}`)
    assert.equal(projectPackageJson(hostWith({}, deep)).no, true)
  })

  test('no "popylar" key, track true, or "false" as a string: not a no', (t) => {
    for (const manifest of [{ name: 'app' }, { popylar: { track: true } }, { popylar: { track: 'false' } }]) {
      const { deep } = project(t, JSON.stringify(manifest))
      assert.equal(projectPackageJson(hostWith({}, deep)).no, false, JSON.stringify(manifest))
    }
  })

  test('only the nearest counts: an opt-out further up does not reach a package of its own', (t) => {
    const { root, deep } = project(t, JSON.stringify({ popylar: { track: false } }))
    fs.writeFileSync(path.join(root, 'src', 'package.json'), JSON.stringify({ name: 'inner' }))
    assert.deepEqual(projectPackageJson(hostWith({}, deep)), {
      file: path.join(root, 'src', 'package.json'),
      no: false,
    })
  })

  test('not JSON: not a no, and nothing thrown', (t) => {
    const { root } = project(t, '{ "popylar": { "track": false ')
    assert.deepEqual(projectPackageJson(hostWith({}, root)), { file: path.join(root, 'package.json'), no: false })
  })

  test('no package.json up to the root: not a no', (t) => {
    const dir = tempDir(t)
    assert.deepEqual(projectPackageJson(hostWith({}, dir)), { no: false })
  })
})

describe('machineRefusal', () => {
  test('nothing said: tracking allowed', (t) => {
    assert.equal(machineRefusal(hostWith({ HOME: tempDir(t) }, tempDir(t)), NOTHING_CHOSEN), undefined)
  })

  test('the environment first, then the config, then the Python file, then the project', (t) => {
    const home = tempDir(t)
    const cwd = tempDir(t)
    fs.writeFileSync(path.join(home, '.popylar'), 'track = False')
    fs.writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ popylar: { track: false } }))
    const unreadable: ConfigRead = { ok: false, file: 'config.json', field: '' }
    const saysNo: ConfigRead = { ok: true, data: { track: false }, exists: true }
    const env = { HOME: home, DO_NOT_TRACK: '1', POPYLAR_DISABLED: '1' }
    assert.equal(machineRefusal(hostWith(env, cwd), unreadable), 'DO_NOT_TRACK')
    assert.equal(machineRefusal(hostWith({ ...env, DO_NOT_TRACK: '0' }, cwd), unreadable), 'POPYLAR_DISABLED')
    assert.equal(machineRefusal(hostWith({ HOME: home }, cwd), unreadable), 'config-unreadable')
    assert.equal(machineRefusal(hostWith({ HOME: home }, cwd), saysNo), 'config')
    assert.equal(machineRefusal(hostWith({ HOME: home }, cwd), NOTHING_CHOSEN), 'python-popylar')
    assert.equal(machineRefusal(hostWith({ HOME: tempDir(t) }, cwd), NOTHING_CHOSEN), 'project')
  })
})

describe('packageRefusal', () => {
  const config = (data: ConfigData): ConfigRead => ({ ok: true, data, exists: true })

  test('opt-out consent: tracked unless the package is switched off', () => {
    assert.equal(packageRefusal(NOTHING_CHOSEN, 'lib', 'opt-out'), undefined)
    assert.equal(packageRefusal(config({ packages: { lib: { track: false } } }), 'lib', 'opt-out'), 'package')
    assert.equal(packageRefusal(config({ packages: { other: { track: false } } }), 'lib', 'opt-out'), undefined)
  })

  test('opt-in consent: tracked only after an opt-in, for the package or for all', () => {
    assert.equal(packageRefusal(NOTHING_CHOSEN, 'lib', 'opt-in'), 'opt-in')
    assert.equal(packageRefusal(config({ packages: { lib: { track: true } } }), 'lib', 'opt-in'), undefined)
    assert.equal(packageRefusal(config({ track: true }), 'lib', 'opt-in'), undefined)
    assert.equal(
      packageRefusal(config({ track: true, packages: { lib: { track: false } } }), 'lib', 'opt-in'),
      'package',
    )
  })

  test('a config that cannot be trusted: no', () => {
    assert.equal(
      packageRefusal({ ok: false, file: 'config.json', field: 'packages' }, 'lib', 'opt-out'),
      'config-unreadable',
    )
  })
})
