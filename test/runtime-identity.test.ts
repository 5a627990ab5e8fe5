// Who the tracker says it is: one random client id per machine, the same in programs that start
// together on a fresh machine, and nothing that points at a person, a machine or a place.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { hostname, networkInterfaces, userInfo } from 'node:os'
import { basename, dirname } from 'node:path'
import type { ReceivedRequest } from '@popylar/tools/collector'
import { runConsumer } from './support/consumer.js'
import { tinyLibrary } from './support/library.js'
import { requestsAfterExit } from './support/requests-after-exit.js'
import { tempHome } from './support/temp-home.js'
import { collectorFor } from './support/tracked-run.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const gtagLibrary = await tinyLibrary(after, { name: 'tiny-lib' })
const mpLibrary = await tinyLibrary(after, { name: 'tiny-mp-lib', plugin: { apiSecret: 'test-secret' } })

test('16 programs starting at once on a fresh machine: one config file, one client id and one session, reported by all', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const runs = await Promise.all(
    Array.from({ length: 16 }, () => runConsumer(gtagLibrary, { home, endpoint: collector.url })),
  )
  for (const result of runs) assert.deepEqual([result.code, result.stdout, result.stderr], [0, '', ''])

  assert.deepEqual(readdirSync(dirname(home.configFile)), ['config.json'], 'one file, no temp files left behind')
  const config = JSON.parse(readFileSync(home.configFile, 'utf8'))
  assert.match(config.clientId, UUID_V4)
  assert.deepEqual(Object.keys(config).sort(), ['clientId', 'properties', 'session'])

  const requests = await requestsAfterExit(collector, 16)
  assert.equal(requests.length, 16)
  assert.deepEqual(
    new Set(requests.map((request) => request.clientId)),
    new Set([config.clientId]),
    'every program reports the id in the file',
  )
  assert.deepEqual(
    new Set(requests.map((request) => `${request.session.id} ${request.session.number}`)),
    new Set([`${config.session.id} 1`]),
    'every program reports the session in the file, the first',
  )
  const count = (key: 'starts' | 'firstVisits') => requests.reduce((sum, request) => sum + request.session[key], 0)
  assert.equal(count('firstVisits'), 1, 'one first visit')
  assert.equal(count('starts'), 1, 'one session start')
  for (const request of requests) assert.deepEqual(request.problems, [])
})

/** Everything a request carries, decoded: URL, headers and body. */
function everythingSent(request: ReceivedRequest): string {
  let decoded = request.body
  try {
    decoded = decodeURIComponent(request.body.replace(/\+/g, ' '))
  } catch {}
  return [
    request.method,
    request.path,
    JSON.stringify(request.query),
    JSON.stringify(request.headers),
    request.body,
    decoded,
    JSON.stringify(request.events),
  ].join('\n')
}

/** The machine's addresses and MAC addresses, but loopback (the collector's own address is in the Host header). */
function machineAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((entry) => !entry.internal)
    .flatMap((entry) => [entry.address, entry.mac])
    .filter((value) => value && value !== '00:00:00:00:00:00')
}

test('nothing sent holds the host name, user name, home, working directory, addresses or environment values', async (t) => {
  const collector = await collectorFor(t)
  const home = tempHome(t)
  const canaries = {
    USER: 'canary-user-7q2',
    LOGNAME: 'canary-logname-7q2',
    HOSTNAME: 'canary-hostname-7q2',
    API_TOKEN: 'canary-token-7q2',
    npm_package_name: 'canary-package-7q2',
    NODE_ENV: 'canary-node-env-7q2',
  }
  for (const library of [gtagLibrary, mpLibrary])
    await runConsumer(library, { home, endpoint: collector.url, env: canaries })
  const requests = await requestsAfterExit(collector, 2)
  assert.deepEqual(requests.map((request) => request.protocol).sort(), ['gtag', 'mp'])

  const secrets: Record<string, string> = {
    ...canaries,
    hostname: hostname(),
    home: home.dir,
    'home folder name': basename(home.dir),
    'working directory': home.cwd,
    PATH: process.env.PATH ?? '',
  }
  // A user named like a reported value (the node Docker image's "node") would be sent as runtime=node.
  const { username } = userInfo()
  if (!['node', 'linux', 'x64', 'arm64'].includes(username)) secrets['user name'] = username
  for (const [i, address] of machineAddresses().entries()) secrets[`machine address ${i}`] = address

  for (const request of requests) {
    const sent = everythingSent(request)
    for (const [what, value] of Object.entries(secrets))
      assert.ok(!sent.includes(value), `the ${request.protocol} request holds the ${what} (${value}):\n${sent}`)
  }
})
