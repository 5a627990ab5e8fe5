// Whatever the network does, a program using a tracked library prints the same, exits with the same
// code and takes no longer than with the same library built without the tracker (plus a small margin;
// the real figures are the bench's).
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { startCollector, type Behaviour } from '@popylar/tools/collector'
import { APP_BODY, assertSameOutcome, runConsumer } from './support/consumer.js'
import { tinyLibrary, tinyLibraryPair } from './support/library.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { tempHome } from './support/temp-home.js'
import { collectorFor } from './support/tracked-run.js'
import { stalledListener } from './support/stalled-listener.js'

/** What the tracker may add to a run, at most, here. The bench measures the real figure (goal: 20 ms at most). */
const MARGIN_MS = 500

const { tracked, plain } = await tinyLibraryPair(after, { name: 'tiny-lib' })

/** A URL where nothing listens: the connection is refused. */
async function downUrl(): Promise<string> {
  const collector = await startCollector()
  await collector.close()
  return collector.url
}

type Network = Behaviour | 'down'
const NETWORKS: Network[] = ['down', 'hang', 'error500', 'reset', 'slow', 'normal']

for (const network of NETWORKS) {
  test(`collector ${network}: same stdout, stderr and exit code as without the tracker, and no slower`, async (t) => {
    const collector = await collectorFor(t)
    if (network !== 'down') collector.setBehaviour(network, { delayMs: 300 })
    const endpoint = network === 'down' ? await downUrl() : collector.url
    for (const format of ['esm', 'cjs'] as const) {
      collector.clear()
      const options = { endpoint, format, body: APP_BODY, nodeArgs: ['--trace-warnings'] }
      const without = await runConsumer(plain, { ...options, home: tempHome(t) })
      const withTracker = await runConsumer(tracked, { ...options, home: tempHome(t) })
      assertSameOutcome(withTracker, without, `${format}: the program's output and exit code`)
      assert.ok(
        withTracker.ms - without.ms < MARGIN_MS,
        `${format}: ${withTracker.ms.toFixed(0)} ms with the tracker, ${without.ms.toFixed(0)} ms without`,
      )
      // Not vacuous: the tracker did try.
      if (network !== 'down')
        assert.equal((await requestsAfterExit(collector, 1)).length, 1, `${format}: the request reached the collector`)
    }
  })
}

test('a connection that never completes (packets dropped): same output and exit code, and no slower', async (t) => {
  const listener = await stalledListener()
  t.after(() => listener.close())
  for (const format of ['esm', 'cjs'] as const) {
    const options = { endpoint: listener.url, format, body: APP_BODY }
    const without = await runConsumer(plain, { ...options, home: tempHome(t) })
    const withTracker = await runConsumer(tracked, { ...options, home: tempHome(t) })
    assertSameOutcome(withTracker, without, `${format}: the program's output and exit code`)
    assert.ok(
      withTracker.ms - without.ms < MARGIN_MS,
      `${format}: ${withTracker.ms.toFixed(0)} ms with the tracker, ${without.ms.toFixed(0)} ms without`,
    )
  }
})

test('an HTTPS collector named by its IP address, while the program is still at work: same output, no TLS warning', async (t) => {
  // Accepts each connection and closes it: the tracker connects, and nothing more happens.
  let connections = 0
  const server = createServer((socket) => {
    connections++
    socket.destroy()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => server.close())
  const secure = await tinyLibrary(t, {
    name: 'tiny-lib',
    plugin: { endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}` },
  })
  // Still at work when the tracker sends (a finished program leaves HTTPS for its next run).
  const options = { body: `${APP_BODY}; setTimeout(() => {}, 200)`, nodeArgs: ['--trace-warnings'] }
  for (const format of ['esm', 'cjs'] as const) {
    const before = connections
    const without = await runConsumer(plain, { ...options, format, home: tempHome(t) })
    const withTracker = await runConsumer(secure, { ...options, format, home: tempHome(t) })
    assertSameOutcome(withTracker, without, `${format}: the program's output and exit code`)
    assert.equal(connections - before, 1, `${format}: the tracker connected`)
  }
})
