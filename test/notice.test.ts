// The notice: one line on stderr, the first time an instrumented library would send on this machine,
// only when a person is watching (stderr is a terminal) and not in CI. Run under a real pseudo-terminal.
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { loopbackLibraries } from './support/library.js'
import { newMachine, type Machine } from './support/machine.js'
import { requestsAfterExit } from './support/requests-after-exit.js'

let collector: Collector
let chatty: string
let quiet: string
let second: string

const libraries = loopbackLibraries()

before(async () => {
  collector = await startCollector()
  ;[chatty, quiet, second] = await Promise.all([
    libraries.build('chatty-lib'),
    libraries.build('quiet-lib', { notice: false }),
    libraries.build('second-lib'),
  ])
})
after(async () => {
  await collector.close()
  libraries.remove()
})

function noticeLines(screen: string): string[] {
  return screen.split('\n').filter((line) => line.includes('anonymous usage event'))
}

function config(machine: Machine): Record<string, unknown> {
  return existsSync(machine.home.configFile) ? JSON.parse(readFileSync(machine.home.configFile, 'utf8')) : {}
}

test('the first run on a terminal shows the notice once, names the package and how to opt out, and still sends', async () => {
  const machine = newMachine(collector)
  const first = await machine.importOnTerminal([chatty])
  assert.equal(first.code, 0, first.screen)
  const lines = noticeLines(first.screen)
  assert.equal(lines.length, 1, `one notice line, got:\n${first.screen}`)
  assert.match(lines[0]!, /^chatty-lib sends one anonymous usage event to its authors/)
  assert.match(lines[0]!, /npx @popylar\/core opt-out chatty-lib/)
  assert.match(lines[0]!, /DO_NOT_TRACK=1/)
  assert.equal(config(machine).noticeShown, true, 'recorded in the config file')
  assert.equal((await requestsAfterExit(collector, 1)).length, 1, 'the notice does not stop the event')

  const again = await machine.importOnTerminal([chatty])
  assert.equal(again.code, 0, again.screen)
  assert.deepEqual(noticeLines(again.screen), [], 'not shown a second time')
  assert.equal((await requestsAfterExit(collector, 1)).length, 1, 'the second run sends as usual')
})

test('once shown by one library, no other library shows it; two libraries in one process print one line', async () => {
  const machine = newMachine(collector)
  const both = await machine.importOnTerminal([chatty, second])
  assert.equal(noticeLines(both.screen).length, 1, both.screen)
  const other = await machine.importOnTerminal([second])
  assert.deepEqual(noticeLines(other.screen), [], other.screen)
})

test('not shown, and not recorded, when stderr is not a terminal (stdout still is)', async () => {
  const machine = newMachine(collector)
  const redirected = await machine.importOnTerminal([chatty], { stderr: 'file' })
  assert.equal(redirected.code, 0, redirected.screen)
  assert.equal(redirected.stderrFile, '', 'nothing at all on stderr')
  assert.deepEqual(noticeLines(redirected.screen), [])
  assert.equal(config(machine).noticeShown, undefined)
  assert.equal((await requestsAfterExit(collector, 1)).length, 1, 'the event is sent all the same')

  // Not recorded, so the person sees it the first time they are at a terminal.
  const onTerminal = await machine.importOnTerminal([chatty])
  assert.equal(noticeLines(onTerminal.screen).length, 1, onTerminal.screen)
})

test('not shown when both stdout and stderr are pipes', async () => {
  const machine = newMachine(collector)
  const { result } = await machine.importLibraries([chatty], { expect: 1 })
  assert.equal(result.stderr, '')
  assert.equal(config(machine).noticeShown, undefined)
})

test('not shown in CI, where the event still goes out flagged ci=true', async () => {
  const machine = newMachine(collector)
  const run = await machine.importOnTerminal([chatty], { env: { CI: 'true' } })
  assert.equal(run.code, 0, run.screen)
  assert.deepEqual(noticeLines(run.screen), [], run.screen)
  assert.equal(config(machine).noticeShown, undefined)
  const [request] = await requestsAfterExit(collector, 1)
  assert.equal(request?.events[0]?.params.ci, 'true')
})

test('not shown by a library built with notice: false, and left for another library to show', async () => {
  const machine = newMachine(collector)
  const run = await machine.importOnTerminal([quiet])
  assert.equal(run.code, 0, run.screen)
  assert.deepEqual(noticeLines(run.screen), [], run.screen)
  assert.equal(config(machine).noticeShown, undefined)
  assert.equal((await requestsAfterExit(collector, 1)).length, 1, 'notice: false changes nothing else')
  assert.equal(noticeLines((await machine.importOnTerminal([chatty])).screen).length, 1)
})

test('not shown when nothing would be sent (DO_NOT_TRACK)', async () => {
  const machine = newMachine(collector)
  const run = await machine.importOnTerminal([chatty], { env: { DO_NOT_TRACK: '1' } })
  assert.equal(run.code, 0, run.screen)
  assert.equal(run.screen, '', 'nothing at all on the terminal')
  assert.equal((await requestsAfterExit(collector, 0)).length, 0)
})
