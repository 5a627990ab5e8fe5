// Consent end to end: a library built with consent: 'opt-in' waits for `popylar opt-in`; `opt-out <package>`
// stops one library while another keeps sending; a project can opt out everything run from it; and a
// config file that cannot be trusted stops everything, silently.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startCollector, type Collector, type ReceivedRequest } from '@popylar/tools/collector'
import { loopbackLibraries } from './support/library.js'
import { newMachine, type Machine } from './support/machine.js'
import { writeConfigFile } from './support/temp-home.js'

let collector: Collector
let askFirst: string
let alsoAsksFirst: string
let alpha: string
let beta: string
const libraries = loopbackLibraries()

before(async () => {
  collector = await startCollector()
  ;[askFirst, alsoAsksFirst, alpha, beta] = await Promise.all([
    libraries.build('ask-first', { consent: 'opt-in' }),
    libraries.build('also-asks-first', { consent: 'opt-in' }),
    libraries.build('alpha-lib'),
    libraries.build('beta-lib'),
  ])
})
after(async () => {
  await collector.close()
  libraries.remove()
})

function sentPackages(requests: ReceivedRequest[]): string[] {
  return requests.flatMap((request) => request.events.map((event) => String(event.params.package_name))).sort()
}

async function popylar(machine: Machine, ...args: string[]): Promise<void> {
  const { code, stderr } = await machine.popylar(args)
  assert.equal(code, 0, `popylar ${args.join(' ')}: ${stderr}`)
}

describe("consent: 'opt-in'", () => {
  test('sends nothing until `popylar opt-in`, then sends', async () => {
    const machine = newMachine(collector)
    const waiting = await machine.importLibraries([askFirst, alpha], { expect: 1 })
    assert.equal(waiting.result.code, 0)
    assert.deepEqual(sentPackages(waiting.requests), ['alpha-lib'], 'only the opt-out library sends')
    assert.equal(waiting.result.stderr, '', 'waiting is silent')

    await popylar(machine, 'opt-in')
    const given = await machine.importLibraries([askFirst, alpha], { expect: 1 })
    assert.deepEqual(sentPackages(given.requests), ['alpha-lib', 'ask-first'])
    assert.deepEqual(given.requests[0]!.problems, [])
  })

  test('`popylar opt-in <package>` lets that package send, and no other opt-in package', async () => {
    const machine = newMachine(collector)
    await popylar(machine, 'opt-in', 'ask-first')
    const { requests } = await machine.importLibraries([askFirst, alsoAsksFirst], { expect: 1 })
    assert.deepEqual(sentPackages(requests), ['ask-first'])
  })

  test('a later `popylar opt-out <package>` wins over the opt-in for all', async () => {
    const machine = newMachine(collector)
    await popylar(machine, 'opt-in')
    await popylar(machine, 'opt-out', 'ask-first')
    const { requests } = await machine.importLibraries([askFirst, alsoAsksFirst], { expect: 1 })
    assert.deepEqual(sentPackages(requests), ['also-asks-first'])
  })
})

describe("consent: 'opt-out' (the default)", () => {
  test('`popylar opt-out <package>` stops that package while another keeps sending; opt-in brings it back', async () => {
    const machine = newMachine(collector)
    assert.deepEqual(sentPackages((await machine.importLibraries([alpha, beta], { expect: 1 })).requests), [
      'alpha-lib',
      'beta-lib',
    ])
    await popylar(machine, 'opt-out', 'alpha-lib')
    assert.deepEqual(sentPackages((await machine.importLibraries([alpha, beta], { expect: 1 })).requests), ['beta-lib'])
    await popylar(machine, 'opt-in', 'alpha-lib')
    assert.deepEqual(sentPackages((await machine.importLibraries([alpha, beta], { expect: 1 })).requests), [
      'alpha-lib',
      'beta-lib',
    ])
  })

  test('`popylar opt-out` stops every library, even one the person opted in to', async () => {
    const machine = newMachine(collector)
    await popylar(machine, 'opt-in', 'ask-first')
    await popylar(machine, 'opt-out')
    const { requests, result } = await machine.importLibraries([alpha, beta, askFirst])
    assert.deepEqual(requests, [])
    assert.equal(result.stderr, '')
  })
})

describe('a project opts out every dependency in its package.json', () => {
  function project(machine: Machine, popylarField: unknown): string {
    const dir = join(machine.home.cwd, 'app')
    mkdirSync(join(dir, 'packages', 'web', 'src'), { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, popylar: popylarField }))
    return dir
  }

  test('"popylar": {"track": false} stops every library run from the project or a folder inside it', async () => {
    const machine = newMachine(collector)
    const app = project(machine, { track: false })
    for (const cwd of [app, join(app, 'packages', 'web', 'src')]) {
      const { requests, result } = await machine.importLibraries([alpha, beta], { cwd })
      assert.deepEqual(requests, [], `from ${cwd}`)
      assert.equal(result.stderr, '')
    }
    // The same libraries, run from outside the project, send.
    assert.deepEqual(sentPackages((await machine.importLibraries([alpha, beta], { expect: 1 })).requests), [
      'alpha-lib',
      'beta-lib',
    ])
  })

  test('the nearest package.json decides: a workspace package without the field is not opted out', async () => {
    const machine = newMachine(collector)
    const app = project(machine, { track: false })
    writeFileSync(join(app, 'packages', 'web', 'package.json'), JSON.stringify({ name: 'web' }))
    const { requests } = await machine.importLibraries([alpha], { cwd: join(app, 'packages', 'web', 'src'), expect: 1 })
    assert.deepEqual(sentPackages(requests), ['alpha-lib'])
  })

  test('"popylar": {"track": true} in the project does not override a person\'s opt-out', async () => {
    const machine = newMachine(collector)
    const app = project(machine, { track: true })
    await popylar(machine, 'opt-out')
    assert.deepEqual((await machine.importLibraries([alpha], { cwd: app })).requests, [])
  })
})

describe('a config file that cannot be trusted: nothing is sent, nothing is printed, nothing is overwritten', () => {
  function writeConfig(machine: Machine, text: string): void {
    writeConfigFile(machine.home, text)
  }

  const broken: Array<[string, (machine: Machine) => void]> = [
    ['corrupt JSON', (machine) => writeConfig(machine, '{"clientId": "0b6f3f5e-8a4e-4c1e-9a53-2f3c4d5e6f70",')],
    ['"track" of the wrong type', (machine) => writeConfig(machine, '{"track": "yes please"}')],
    ['a package entry of the wrong type', (machine) => writeConfig(machine, '{"packages": {"alpha-lib": "on"}}')],
    ['a client id that is not a UUID', (machine) => writeConfig(machine, '{"clientId": 42}')],
    ['a directory in its place', (machine) => mkdirSync(machine.home.configFile, { recursive: true })],
    // Tests run as root, whom chmod 000 does not stop: a symlink loop is a file nobody can read.
    [
      'unreadable (a symlink loop)',
      (machine) => {
        mkdirSync(dirname(machine.home.configFile), { recursive: true })
        symlinkSync('config.json', machine.home.configFile)
      },
    ],
  ]
  for (const [what, breakIt] of broken) {
    test(what, async () => {
      const machine = newMachine(collector)
      breakIt(machine)
      const before = contents(machine.home.configFile)
      const { requests, result } = await machine.importLibraries([alpha, beta])
      assert.equal(result.code, 0)
      assert.deepEqual(requests, [])
      assert.equal(result.stdout + result.stderr, '')
      assert.equal(contents(machine.home.configFile), before)
    })
  }

  test('no HOME and no XDG_CONFIG_HOME', async () => {
    const machine = newMachine(collector)
    const { requests, result } = await machine.importLibraries([alpha, beta], { withoutHome: true })
    assert.equal(result.code, 0)
    assert.deepEqual(requests, [])
    assert.equal(result.stdout + result.stderr, '')
  })

  test('unknown fields are ignored: the library sends, and the file keeps them', async () => {
    const machine = newMachine(collector)
    writeConfig(machine, JSON.stringify({ theme: 'dark', packages: { 'beta-lib': { track: false, why: 'noisy' } } }))
    const { requests, result } = await machine.importLibraries([alpha, beta], { expect: 1 })
    assert.equal(result.stderr, '')
    assert.deepEqual(sentPackages(requests), ['alpha-lib'])
    const config = JSON.parse(readFileSync(machine.home.configFile, 'utf8'))
    assert.equal(config.theme, 'dark')
    assert.deepEqual(config.packages, { 'beta-lib': { track: false, why: 'noisy' } })
    assert.equal(config.clientId, requests[0]!.clientId, 'the client id was added beside them')
  })
})

function contents(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    return (error as NodeJS.ErrnoException).code!
  }
}
