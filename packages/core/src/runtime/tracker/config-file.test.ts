import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { describe, test, type TestContext } from 'node:test'
import { configDir, invalidField, isClientId, readConfig } from './config-file.js'
import type { ServerHost } from './host.js'

const CLIENT_ID = '0b7c2a9e-3f4d-4c1a-9e2b-5d6f7a8b9c0d'

/** The host as the tracker sees it in Node, with the environment and platform given. */
function hostWith(env: Record<string, string | undefined>, platform: NodeJS.Platform = 'linux'): ServerHost {
  return {
    kind: 'node',
    version: process.versions.node,
    env,
    fs,
    path,
    randomUUID,
    builtin: (name) => import(`node:${name}`),
    process: Object.create(process, { platform: { value: platform } }),
  }
}

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'popylar-config-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

describe('isClientId', () => {
  test('a random UUID v4, in lower case, as randomUUID makes them', () => {
    assert.equal(isClientId(CLIENT_ID), true)
    for (let i = 0; i < 20; i++) assert.equal(isClientId(randomUUID()), true)
  })

  test('anything else', () => {
    for (const value of [
      undefined,
      42,
      '',
      CLIENT_ID.toUpperCase(),
      CLIENT_ID.replace('-4c1a-', '-1c1a-'), // version 1
      CLIENT_ID.replace('-9e2b-', '-7e2b-'), // not the RFC variant
      CLIENT_ID.replaceAll('-', ''),
      ` ${CLIENT_ID}`,
      `${CLIENT_ID}\n`,
      'host-name.local',
    ]) {
      assert.equal(isClientId(value), false, JSON.stringify(value))
    }
  })
})

describe('invalidField: what makes a config file untrustworthy', () => {
  test('nothing, for every file the popylar command writes', () => {
    for (const data of [
      {},
      { track: false },
      { track: true, clientId: CLIENT_ID },
      { packages: {} },
      { packages: { lib: { track: false }, '@scope/other': { track: true }, quiet: {} } },
      { clientId: CLIENT_ID, noticeShown: true, session: { id: 1 }, futureKey: [1, 2] },
    ]) {
      assert.equal(invalidField(data), undefined, JSON.stringify(data))
    }
  })

  test("'' when the whole is not an object", () => {
    for (const data of [null, [], 'track=false', 0, true]) assert.equal(invalidField(data), '', JSON.stringify(data))
  })

  test('the field at fault', () => {
    assert.equal(invalidField({ track: 'false' }), 'track')
    assert.equal(invalidField({ track: 0 }), 'track')
    assert.equal(invalidField({ track: null }), 'track')
    assert.equal(invalidField({ clientId: 'not-a-uuid' }), 'clientId')
    assert.equal(invalidField({ clientId: 7 }), 'clientId')
    assert.equal(invalidField({ packages: [] }), 'packages')
    assert.equal(invalidField({ packages: 'lib' }), 'packages')
    assert.equal(invalidField({ packages: { lib: false } }), 'packages.lib')
    assert.equal(invalidField({ packages: { ok: {}, lib: { track: 'no' } } }), 'packages.lib')
  })
})

describe('configDir', () => {
  test('$XDG_CONFIG_HOME/popylar, else ~/.config/popylar', () => {
    assert.equal(configDir(hostWith({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/ada' })), '/xdg/popylar')
    assert.equal(configDir(hostWith({ HOME: '/home/ada' })), '/home/ada/.config/popylar')
  })

  test('on Windows, %APPDATA% before the home folder', () => {
    assert.equal(configDir(hostWith({ APPDATA: '/appdata', USERPROFILE: '/users/ada' }, 'win32')), '/appdata/popylar')
    assert.equal(configDir(hostWith({ APPDATA: '/appdata', HOME: '/home/ada' })), '/home/ada/.config/popylar')
  })

  test('a relative folder is ignored, as the XDG spec says; no usable home: no folder', () => {
    assert.equal(configDir(hostWith({ XDG_CONFIG_HOME: 'xdg', HOME: '/home/ada' })), '/home/ada/.config/popylar')
    assert.equal(configDir(hostWith({ HOME: 'home' })), '')
    assert.equal(configDir(hostWith({})), '')
  })
})

describe('readConfig', () => {
  function configHolding(t: TestContext, text: string | undefined): ServerHost {
    const xdg = tempDir(t)
    if (text !== undefined) {
      fs.mkdirSync(path.join(xdg, 'popylar'))
      fs.writeFileSync(path.join(xdg, 'popylar', 'config.json'), text)
    }
    return hostWith({ XDG_CONFIG_HOME: xdg })
  }

  test('no file yet: nothing chosen, to be trusted', (t) => {
    assert.deepEqual(readConfig(configHolding(t, undefined)), { ok: true, data: {}, exists: false })
  })

  test('a valid file, with or without a byte order mark', (t) => {
    const data = { track: false, clientId: CLIENT_ID }
    assert.deepEqual(readConfig(configHolding(t, JSON.stringify(data))), { ok: true, data, exists: true })
    assert.deepEqual(readConfig(configHolding(t, `\uFEFF${JSON.stringify(data)}`)), { ok: true, data, exists: true })
  })

  test('not JSON, or a field at fault: not to be trusted, and which', (t) => {
    const broken = configHolding(t, '{"track": fal')
    const file = path.join(broken.env.XDG_CONFIG_HOME!, 'popylar', 'config.json')
    assert.deepEqual(readConfig(broken), { ok: false, file, field: '', error: 'not valid JSON' })
    const wrong = configHolding(t, JSON.stringify({ packages: { lib: { track: 'no' } } }))
    assert.equal((readConfig(wrong) as { field: string }).field, 'packages.lib')
  })

  test('no home to hold a config: not to be trusted', () => {
    assert.equal(readConfig(hostWith({})).ok, false)
  })
})
