// The popylar command, run as a user runs it (the bin of @popylar/core, a fresh process, a home of its own).
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { newMachine, type Machine } from './support/machine.js'
import { writeConfigFile } from './support/temp-home.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const USAGE_LINE = /^usage: popylar /m
const CHANNELS = [
  'config file',
  'per-package entries',
  'Python popylar (~/.popylar)',
  'DO_NOT_TRACK',
  'POPYLAR_DISABLED',
  'project package.json',
  'CI',
]

// The command sends nothing, but its environment points at a local collector all the same.
let collector: Collector
before(async () => {
  collector = await startCollector()
})
after(() => collector.close())

function readJson(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'))
}

function writeConfig(machine: Machine, text: string): void {
  writeConfigFile(machine.home, text)
}

async function statusJson(machine: Machine, env: Record<string, string> = {}, cwd?: string) {
  const result = await machine.popylar(['status', '--json'], { env, cwd })
  return { ...result, status: JSON.parse(result.stdout) }
}

function channel(status: { channels: Array<{ channel: string }> }, name: string): Record<string, any> {
  const found = status.channels.find((item) => item.channel === name)
  assert.ok(found, `status lists the channel "${name}"`)
  return found
}

describe('help, version and usage errors', () => {
  test('--help lists every command, on stdout, exit 0', async () => {
    const machine = newMachine(collector)
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await machine.popylar([flag])
      assert.equal(code, 0)
      assert.equal(stderr, '')
      assert.match(stdout, USAGE_LINE)
      for (const command of ['opt-out [package]', 'opt-in [package]', 'status', 'status --json', 'reset'])
        assert.ok(stdout.includes(command), `help mentions ${command}`)
    }
  })

  test('--version prints the version of @popylar/core', async () => {
    const { version } = createRequire(import.meta.url)('@popylar/core/package.json')
    const { code, stdout } = await newMachine(collector).popylar(['--version'])
    assert.equal(code, 0)
    assert.equal(stdout, `${version}\n`)
  })

  const mistakes: Array<[string[], RegExp]> = [
    [[], /no command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--frobnicate'], /--frobnicate/],
    [['status', '--verbose'], /--verbose/],
    [['opt-out', '--json'], /--json goes with status only/],
    [['opt-out', 'a', 'b'], /unexpected argument "b"/],
    [['reset', 'now'], /unexpected argument "now"/],
    [['status', 'all'], /unexpected argument "all"/],
    [['opt-in', ''], /package name is empty/],
  ]
  for (const [args, message] of mistakes) {
    test(`popylar ${args.join(' ') || '(nothing)'}: says what is wrong and the usage, on stderr, exit 2, writes nothing`, async () => {
      const machine = newMachine(collector)
      const { code, stdout, stderr } = await machine.popylar(args)
      assert.equal(code, 2)
      assert.equal(stdout, '')
      assert.match(stderr, message)
      assert.match(stderr, USAGE_LINE)
      assert.equal(existsSync(machine.home.configFile), false)
    })
  }
})

describe('opt-out, opt-in and reset write the config file', () => {
  test('opt-out creates the folder and the file; opt-in turns it back; per-package choices sit beside it', async () => {
    const machine = newMachine(collector)
    const out = await machine.popylar(['opt-out'])
    assert.equal(out.code, 0, out.stderr)
    assert.ok(out.stdout.includes(machine.home.configFile), 'says where the choice was recorded')
    assert.deepEqual(readJson(machine.home.configFile), { track: false })

    assert.equal((await machine.popylar(['opt-out', '@scope/some-lib'])).code, 0)
    assert.equal((await machine.popylar(['opt-in', 'other-lib'])).code, 0)
    assert.equal((await machine.popylar(['opt-in'])).code, 0)
    assert.deepEqual(readJson(machine.home.configFile), {
      track: true,
      packages: { '@scope/some-lib': { track: false }, 'other-lib': { track: true } },
    })
    assert.equal((await machine.popylar(['opt-in', '@scope/some-lib'])).code, 0)
    assert.deepEqual(readJson(machine.home.configFile).packages['@scope/some-lib'], { track: true })
    assert.deepEqual(readdirSync(dirname(machine.home.configFile)), ['config.json'], 'no temp file left behind')
    assert.equal(statSync(machine.home.configFile).mode & 0o777, 0o600, 'readable by its owner only')
  })

  test('keeps every field already there, unknown ones too', async () => {
    const machine = newMachine(collector)
    const clientId = '0b6f3f5e-8a4e-4c1e-9a53-2f3c4d5e6f70'
    writeConfig(
      machine,
      JSON.stringify({ clientId, noticeShown: true, colour: 'blue', packages: { a: { track: false, note: 'mine' } } }),
    )
    assert.equal((await machine.popylar(['opt-out', 'b'])).code, 0)
    assert.deepEqual(readJson(machine.home.configFile), {
      clientId,
      noticeShown: true,
      colour: 'blue',
      packages: { a: { track: false, note: 'mine' }, b: { track: false } },
    })
    const { code, status } = await statusJson(machine)
    assert.equal(code, 0, 'unknown fields are not a problem')
    assert.equal(status.clientId, clientId)
  })

  test('reset writes a new random UUID v4 client id and keeps the rest', async () => {
    const machine = newMachine(collector)
    const oldId = '0b6f3f5e-8a4e-4c1e-9a53-2f3c4d5e6f70'
    writeConfig(machine, JSON.stringify({ clientId: oldId, track: false }))
    const { code, stdout } = await machine.popylar(['reset'])
    assert.equal(code, 0)
    const config = readJson(machine.home.configFile)
    assert.match(config.clientId, UUID_V4)
    assert.notEqual(config.clientId, oldId)
    assert.ok(stdout.includes(config.clientId), 'prints the new id')
    assert.equal(config.track, false)
  })

  test('opt-in says so when another channel still says no', async () => {
    const machine = newMachine(collector)
    const { code, stderr } = await machine.popylar(['opt-in'], { env: { DO_NOT_TRACK: '1' } })
    assert.equal(code, 0)
    assert.match(stderr, /nothing is sent yet, because DO_NOT_TRACK is set/)
  })
})

describe('status', () => {
  test('on a fresh machine: tracking on, every channel listed and not in effect, no client id yet', async () => {
    const machine = newMachine(collector)
    const { code, status } = await statusJson(machine)
    assert.equal(code, 0)
    assert.equal(status.tracking, true)
    assert.equal(status.configFile, machine.home.configFile)
    assert.equal(status.clientId, undefined)
    assert.equal(status.optedIn, false)
    assert.deepEqual(
      status.channels.map((item: { channel: string }) => item.channel),
      CHANNELS,
    )
    assert.ok(status.channels.every((item: { inEffect: boolean }) => item.inEffect === false))
    assert.equal(existsSync(machine.home.configFile), false, 'status writes nothing')

    const human = await machine.popylar(['status'])
    assert.equal(human.code, 0)
    assert.match(human.stdout, /^tracking +on\b/m)
    assert.ok(human.stdout.includes(machine.home.configFile))
    for (const name of CHANNELS)
      assert.match(human.stdout, new RegExp(`^  not in effect +${name.replace(/[()~.]/g, '\\$&')}`, 'm'))
  })

  test('each channel shows where it was found, and the first "no" is the reason', async () => {
    const machine = newMachine(collector)
    const clientId = '0b6f3f5e-8a4e-4c1e-9a53-2f3c4d5e6f70'
    writeConfig(
      machine,
      JSON.stringify({ clientId, packages: { 'left-out': { track: false }, 'let-in': { track: true } } }),
    )
    writeFileSync(join(machine.home.dir, '.popylar'), '[popylar]\ntrack = False\n')
    const project = join(machine.home.cwd, 'project')
    mkdirSync(join(project, 'src'), { recursive: true })
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', popylar: { track: false } }))

    const { status } = await statusJson(machine, { POPYLAR_DISABLED: 'yes', CI: 'true' }, join(project, 'src'))
    assert.equal(status.tracking, false)
    assert.equal(status.reason, 'POPYLAR_DISABLED is set')
    assert.equal(status.clientId, clientId)
    assert.deepEqual(status.packages, { 'left-out': false, 'let-in': true })
    assert.equal(channel(status, 'config file').inEffect, false)
    assert.deepEqual(channel(status, 'per-package entries'), {
      channel: 'per-package entries',
      inEffect: true,
      where: machine.home.configFile,
      detail: 'left-out: off, let-in: on',
    })
    assert.deepEqual(channel(status, 'Python popylar (~/.popylar)'), {
      channel: 'Python popylar (~/.popylar)',
      inEffect: true,
      where: join(machine.home.dir, '.popylar'),
    })
    assert.equal(channel(status, 'POPYLAR_DISABLED').inEffect, true)
    assert.equal(channel(status, 'DO_NOT_TRACK').inEffect, false)
    assert.equal(channel(status, 'project package.json').inEffect, true)
    assert.equal(channel(status, 'project package.json').where, join(project, 'package.json'))
    assert.match(channel(status, 'CI').detail, /running in CI/)

    const human = await machine.popylar(['status'], { env: { POPYLAR_DISABLED: 'yes' }, cwd: join(project, 'src') })
    assert.match(human.stdout, /^tracking +off: POPYLAR_DISABLED is set$/m)
    assert.match(human.stdout, /^client id +0b6f3f5e-8a4e-4c1e-9a53-2f3c4d5e6f70$/m)
    assert.match(human.stdout, /^ {2}in effect +project package\.json: .*\(.*project\/package\.json\)$/m)
  })

  test('DO_NOT_TRACK=0 and DO_NOT_TRACK=false do not say no', async () => {
    const machine = newMachine(collector)
    for (const value of ['0', 'false', '']) {
      const { status } = await statusJson(machine, { DO_NOT_TRACK: value })
      assert.equal(status.tracking, true, `DO_NOT_TRACK=${JSON.stringify(value)}`)
    }
    assert.equal((await statusJson(machine, { DO_NOT_TRACK: '1' })).status.reason, 'DO_NOT_TRACK is set')
  })

  test('after opt-out and opt-in <package>, status tells both', async () => {
    const machine = newMachine(collector)
    await machine.popylar(['opt-out'])
    assert.equal((await statusJson(machine)).status.reason, 'opted out in the config file')
    await machine.popylar(['opt-in'])
    await machine.popylar(['opt-in', 'my-lib'])
    const { status } = await statusJson(machine)
    assert.equal(status.tracking, true)
    assert.equal(status.optedIn, true)
    assert.deepEqual(status.packages, { 'my-lib': true })
  })
})

describe('a config file that cannot be read is reported with its path, exit 1, and never overwritten', () => {
  const broken: Array<[string, (machine: Machine) => void, RegExp]> = [
    ['corrupt JSON', (machine) => writeConfig(machine, '{"track": false,'), /not valid JSON/],
    ['not an object', (machine) => writeConfig(machine, '[false]'), /not a JSON object/],
    [
      '"track" of the wrong type',
      (machine) => writeConfig(machine, '{"track": "no"}'),
      /"track" must be true or false/,
    ],
    [
      'a client id that is not a UUID',
      (machine) => writeConfig(machine, '{"clientId": "my-laptop"}'),
      /"clientId" must be a UUID v4/,
    ],
    [
      '"packages" of the wrong type',
      (machine) => writeConfig(machine, '{"packages": ["a"]}'),
      /"packages" must be an object/,
    ],
    [
      'a package entry of the wrong type',
      (machine) => writeConfig(machine, '{"packages": {"a": false}}'),
      /"packages\.a" must be an object/,
    ],
    ['a directory in its place', (machine) => mkdirSync(machine.home.configFile, { recursive: true }), /EISDIR/],
    // Tests run as root, whom chmod 000 does not stop: a symlink loop is a file nobody can read.
    [
      'unreadable (a symlink loop)',
      (machine) => {
        mkdirSync(dirname(machine.home.configFile), { recursive: true })
        symlinkSync('config.json', machine.home.configFile)
      },
      /ELOOP/,
    ],
  ]
  for (const [what, breakIt, problem] of broken) {
    test(what, async () => {
      const machine = newMachine(collector)
      breakIt(machine)
      const before = snapshot(machine.home.configFile)
      for (const args of [['status'], ['status', '--json'], ['opt-out'], ['opt-in', 'some-lib'], ['reset']]) {
        const { code, stderr } = await machine.popylar(args)
        assert.equal(code, 1, `popylar ${args.join(' ')} exits 1`)
        assert.ok(stderr.includes(machine.home.configFile), `popylar ${args.join(' ')} names the file:\n${stderr}`)
        assert.match(stderr, problem)
        assert.equal(snapshot(machine.home.configFile), before, `popylar ${args.join(' ')} leaves the file as it was`)
      }
      const { status } = await statusJson(machine)
      assert.equal(status.tracking, false, 'an unreadable config is a "no"')
      assert.match(status.configProblem, problem)
      assert.equal(channel(status, 'config file').inEffect, true)
    })
  }

  test('no HOME (and no XDG_CONFIG_HOME): status and opt-out say so', async () => {
    const machine = newMachine(collector)
    const status = await machine.popylar(['status'], { withoutHome: true })
    assert.equal(status.code, 1)
    assert.match(status.stdout, /^tracking +off/m)
    assert.match(status.stderr, /no home directory \(HOME\)/)
    const out = await machine.popylar(['opt-out'], { withoutHome: true })
    assert.equal(out.code, 1)
    assert.match(out.stderr, /HOME/)
  })
})

/** The file's bytes, or what stands in its place. */
function snapshot(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code!
  }
}
