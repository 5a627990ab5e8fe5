// PRIVACY.md stays true: the fields it lists are the fields real libraries send (no more, no fewer), its
// example requests have the shape of real ones, POPYLAR_DEBUG prints exactly what would be sent, and
// nothing sent identifies the person, the machine or the program.
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startCollector, type Collector, type ReceivedRequest } from '@popylar/tools/collector'
import { loopbackLibraries } from './support/library.js'
import { newMachine, type Machine } from './support/machine.js'
import { stalledListener, type StalledListener } from './support/stalled-listener.js'
import { codeNames, markdownSections, section, type Section } from './support/markdown.js'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
/** Params the test library's author set, with a text and a number value: they stand for "the author's params". */
const AUTHOR_PARAMS = { docs_plan: 'free', docs_seats: 3 }

const docText = readFileSync(new URL('../PRIVACY.md', import.meta.url), 'utf8')
const doc = markdownSections(docText)
const eventParamsTable = section(doc, /^Event parameters$/).tables[0]!
const gtagSection = section(doc, /^The gtag protocol/)
const mpSection = section(doc, /^The Measurement Protocol/)

let collector: Collector
/** Libraries without author params (as in the doc's examples), and one gtag library with them. */
let gtagLib: string
let mpLib: string
let paramsLib: string
/** Where connections never complete: a program ends before its request is written. */
let stalled: StalledListener
const libraries = loopbackLibraries()

before(async () => {
  ;[collector, stalled] = await Promise.all([startCollector(), stalledListener()])
  ;[gtagLib, mpLib, paramsLib] = await Promise.all([
    libraries.build('gtag-lib'),
    libraries.build('mp-lib', { apiSecret: 'test-secret' }),
    libraries.build('params-lib', { params: AUTHOR_PARAMS }),
  ])
})
after(async () => {
  stalled.close()
  await collector.close()
  libraries.remove()
})

/** A gtag body line's field names, with ep.x and epn.x written as the doc writes them. */
function gtagLineFields(line: string): string[] {
  return [...new URLSearchParams(line).keys()].map((key) => key.replace(/^(epn?)\..+$/, '$1.<name>'))
}

function gtagEventParams(line: string): string[] {
  return [...new URLSearchParams(line).keys()]
    .filter((key) => /^epn?\./.test(key))
    .map((key) => key.replace(/^epn?\./, ''))
}

interface MpBody {
  client_id: string
  device: Record<string, string>
  events: Array<{ name: string; params: Record<string, unknown>; timestamp_micros: number }>
}

function mpFields(query: string[], body: MpBody): string[] {
  return [
    ...query,
    ...Object.keys(body),
    ...Object.keys(body.device).map((key) => `device.${key}`),
    ...body.events.flatMap((event) => Object.keys(event).map((key) => `events[].${key}`)),
  ]
}

function sentFields(request: ReceivedRequest): { fields: Set<string>; params: Set<string> } {
  if (request.protocol === 'gtag') {
    const lines = request.body.split('\n')
    return {
      fields: new Set([...Object.keys(request.query), ...lines.flatMap(gtagLineFields)]),
      params: new Set(lines.flatMap(gtagEventParams)),
    }
  }
  const body = JSON.parse(request.body) as MpBody
  return {
    fields: new Set(mpFields(Object.keys(request.query), body)),
    params: new Set(body.events.flatMap((event) => Object.keys(event.params))),
  }
}

/** "protocol package" for every event received: which library's event came by which protocol. */
function eventsByProtocol(requests: ReceivedRequest[]): string[] {
  return requests
    .flatMap((request) => request.events.map((event) => `${request.protocol} ${event.params.package_name}`))
    .sort()
}

/** Runs each program (the bundles it imports) in turn on the machine; every request they sent. */
async function eachProgram(
  machine: Machine,
  programs: string[][],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<ReceivedRequest[]> {
  const requests: ReceivedRequest[] = []
  for (const files of programs) {
    const run = await machine.importLibraries(files, { ...options, expect: 1 })
    assert.equal(run.result.code, 0, run.result.stderr)
    requests.push(...run.requests)
  }
  return requests
}

const sorted = (items: Iterable<string>) => [...new Set(items)].sort()

/** A request printed as POPYLAR_DEBUG prints it (and as the doc shows it): "POST <url>", the User-Agent header, a blank line, the body. */
function parsePrinted(text: string): { url: URL; userAgent: string; body: string } {
  const [head, ...body] = text.replace(/^popylar: /, '').split('\n\n')
  const printed = /^POST (\S+)\nUser-Agent: (.+)$/.exec(head!)
  assert.ok(printed, `"POST <url>" and "User-Agent: …" first: ${head}`)
  return { url: new URL(printed[1]!), userAgent: printed[2]!, body: body.join('\n\n').trim() }
}

/** A user agent in the words of the doc's: Chrome's for the runtime's V8, then the runtime's name and version. */
const USER_AGENT =
  /^Mozilla\/5\.0 \((X11; Linux x86_64|Macintosh; Intel Mac OS X 10_15_7|Windows NT 10\.0; Win64; x64|X11)\) AppleWebKit\/537\.36 \(KHTML, like Gecko\) Chrome\/\d+\.0\.0\.0 Safari\/537\.36 (Node\.js|Bun|Deno)\/\d+\.\d+\.\d+$/

/** The shape of a JSON value: its keys, nested, and the types of its leaves. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape)
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shape(item)]))
  return typeof value
}

describe('every field sent is in PRIVACY.md, and every field there is sent', () => {
  let requests: ReceivedRequest[]
  before(async () => {
    const machine = newMachine(collector)
    requests = await eachProgram(machine, [[gtagLib, paramsLib], [mpLib]])
    assert.deepEqual(eventsByProtocol(requests), ['gtag gtag-lib', 'gtag params-lib', 'mp mp-lib'])
    for (const request of requests) assert.deepEqual(request.problems, [], 'GA4 would take it')
  })

  test('the gtag fields', () => {
    const gtag = requests.filter((request) => request.protocol === 'gtag')
    for (const request of gtag) assert.equal(request.path, '/g/collect')
    assert.deepEqual(
      sorted(gtag.flatMap((request) => [...sentFields(request).fields])),
      sorted(codeNames(gtagSection.tables[0]!)),
    )
  })

  test('the Measurement Protocol fields', () => {
    const mp = requests.find((request) => request.protocol === 'mp')!
    assert.equal(mp.path, '/mp/collect')
    assert.deepEqual(sorted(sentFields(mp).fields), sorted(codeNames(mpSection.tables[0]!)))
  })

  test("the event parameters (the author's params aside)", () => {
    const sent = requests
      .flatMap((request) => [...sentFields(request).params])
      .filter((name) => !(name in AUTHOR_PARAMS))
    assert.deepEqual(sorted(sent), sorted(codeNames(eventParamsTable)))
    assert.ok(
      eventParamsTable.some((row) => /author's `params`/.test(row[0]!)),
      "the author's params have a row of their own",
    )
  })

  test('the HTTP headers', () => {
    const documented = codeNames(section(doc, /^HTTP headers$/).tables[0]!).map((name) => name.toLowerCase())
    for (const request of requests) assert.deepEqual(sorted(Object.keys(request.headers)), sorted(documented))
  })
})

test("the doc's example requests have the shape of real ones", async () => {
  const machine = newMachine(collector)
  const requests = await eachProgram(machine, [[gtagLib], [mpLib]])
  const real = (protocol: string) => requests.find((request) => request.protocol === protocol)!
  const example = (item: Section) => {
    const blocks = item.codeBlocks.filter((block) => block.language === 'http')
    assert.equal(blocks.length, 1, `one example request under "${item.heading}"`)
    return parsePrinted(blocks[0]!.text)
  }
  const [gtagExample, mpExample] = [example(gtagSection), example(mpSection)]

  for (const shown of [gtagExample, mpExample]) assert.match(shown.userAgent, USER_AGENT)
  for (const request of requests) assert.match(request.headers['user-agent']!, USER_AGENT)

  const gtag = real('gtag')
  assert.equal(gtagExample.url.pathname, gtag.path)
  assert.deepEqual([...gtagExample.url.searchParams.keys()], Object.keys(gtag.query))
  assert.deepEqual(gtagExample.body.split('\n').map(gtagLineFields), gtag.body.split('\n').map(gtagLineFields))
  assert.match(gtagExample.url.searchParams.get('cid')!, UUID_V4)

  const mp = real('mp')
  assert.equal(mpExample.url.pathname, mp.path)
  assert.deepEqual([...mpExample.url.searchParams.keys()], Object.keys(mp.query))
  assert.deepEqual(shape(JSON.parse(mpExample.body)), shape(JSON.parse(mp.body)))
})

test('POPYLAR_DEBUG=1 prints each request exactly as it would be sent, and sends nothing', async () => {
  const machine = newMachine(collector)
  const paths: string[] = []
  for (const library of [gtagLib, mpLib]) {
    const debug = await machine.importLibraries([library], { env: { POPYLAR_DEBUG: '1' } })
    assert.equal(debug.result.code, 0)
    assert.deepEqual(debug.requests, [], 'the collector received nothing')
    const printed = debug.result.stderr
      .split(/^(?=popylar: )/m)
      .filter((chunk) => chunk.startsWith('popylar: POST '))
      .map(parsePrinted)
    assert.equal(printed.length, 1, debug.result.stderr)
    const shown = printed[0]!

    // The same program on the same machine, not in debug mode: what it sends is what was printed.
    const { requests } = await machine.importLibraries([library], { expect: 1 })
    assert.equal(requests.length, 1)
    const request = requests[0]!
    paths.push(request.path)
    assert.equal(shown.url.pathname, request.path)
    assert.equal(shown.url.origin, collector.url)
    assert.equal(shown.userAgent, request.headers['user-agent'])
    // The debug run records no session: the real run starts one, in a second of its own.
    const withoutSession = (query: Record<string, string>) => ({ ...query, sid: undefined })
    assert.deepEqual(withoutSession(Object.fromEntries(shown.url.searchParams)), withoutSession(request.query))
    if (request.protocol === 'gtag') assert.equal(shown.body, request.body)
    else {
      const timeless = (body: string) =>
        JSON.parse(body, (key, value) => (key === 'timestamp_micros' || key === 'session_id' ? typeof value : value))
      assert.deepEqual(timeless(shown.body), timeless(request.body))
    }
  }
  assert.deepEqual(paths, ['/g/collect', '/mp/collect'])
})

test('a gtag library and a Measurement Protocol library in one program: each event goes by its own protocol', async () => {
  const machine = newMachine(collector)
  const { requests } = await machine.importLibraries([gtagLib, mpLib], { expect: 2 })
  assert.deepEqual(eventsByProtocol(requests), ['gtag gtag-lib', 'mp mp-lib'])
  const mp = requests.find((request) => request.protocol === 'mp')
  assert.equal(mp?.apiSecret, 'test-secret')
})

test('the client id is a UUID v4, and nothing sent carries a host name, user name, path or environment value', async () => {
  const machine = newMachine(collector)
  const secrets = {
    SECRET_TOKEN: 'zq8x7-secret-token-5521',
    MY_EMAIL: 'ada.lovelace@example.org',
    PROJECT_CODENAME: 'bluefinch-42',
  }
  const cwd = join(machine.home.cwd, 'bluefinch-checkout')
  mkdirSync(cwd)
  const requests = await eachProgram(machine, [[gtagLib, paramsLib], [mpLib]], { env: secrets, cwd })
  assert.deepEqual(eventsByProtocol(requests), ['gtag gtag-lib', 'gtag params-lib', 'mp mp-lib'])

  const clientId = JSON.parse(readFileSync(machine.home.configFile, 'utf8')).clientId
  assert.match(clientId, UUID_V4)
  for (const request of requests) assert.equal(request.clientId, clientId)

  const forbidden = [
    hostname(),
    userInfo().username,
    machine.home.dir,
    machine.home.configHome,
    cwd,
    dirname(gtagLib),
    process.env.PATH!,
    ...Object.values(secrets),
  ]
  for (const request of requests) {
    const raw = [
      request.path,
      new URLSearchParams(request.query).toString(),
      request.body,
      ...Object.values(request.headers),
    ].join('\n')
    const decoded = decodeURIComponent(raw.replace(/\+/g, ' '))
    for (const value of forbidden) {
      assert.ok(
        !raw.includes(value) && !decoded.includes(value),
        `${request.protocol} request carries ${JSON.stringify(value)}:\n${decoded}`,
      )
    }
  }
})

test('what is kept on the machine is what PRIVACY.md lists: config.json and its fields, the outbox files it names, nothing else', async () => {
  const machine = newMachine(collector)
  await machine.importOnTerminal([gtagLib]) // clientId, and noticeShown (a terminal)
  await machine.popylar(['opt-out', 'mp-lib']) // packages.<name>.track
  await machine.popylar(['opt-in']) // track
  await machine.importLibraries([gtagLib, mpLib], { expect: 1 })

  const configDir = dirname(machine.home.configFile)
  assert.deepEqual(readdirSync(configDir), ['config.json'], 'no other file beside config.json')
  assert.deepEqual(readdirSync(machine.home.dir).sort(), ['.config', 'work'], 'nothing else in the home')
  const config = JSON.parse(readFileSync(machine.home.configFile, 'utf8'))
  // The maps by name, as the doc names their keys; the session by its own fields.
  const mapKeys: Record<string, string> = { packages: '<name>', properties: '<measurement id>' }
  const fields = Object.keys(config).flatMap((key) => {
    if (key === 'session') return Object.keys(config.session).map((field) => `session.${field}`)
    if (!mapKeys[key]) return [key]
    return Object.values(config[key] as Record<string, object>).flatMap((entry) =>
      Object.keys(entry).map((field) => `${key}.${mapKeys[key]}.${field}`),
    )
  })
  assert.deepEqual(sorted(fields), sorted(codeNames(section(doc, /^What is kept on your machine$/).tables[0]!)))

  // Events a program could not send: in the files the doc names, and only the fields a request carries.
  const cut = newMachine(collector)
  await cut.importLibraries([gtagLib, mpLib], { env: { POPYLAR_ENDPOINT: stalled.url } })
  const configFolder = dirname(cut.home.configFile)
  assert.deepEqual(readdirSync(configFolder).sort(), ['config.json', 'outbox'])
  const keptDir = join(configFolder, 'outbox')
  const kept = readdirSync(keptDir)
  assert.deepEqual(
    kept.map((file) => file.replace(/\..*\.json$/, '.<…>.json')).sort(),
    ['gtag.<…>.json', 'mp.<…>.json'],
    'one file per protocol',
  )
  assert.ok(docText.includes('popylar/outbox/'), 'PRIVACY.md names the outbox folder')
  const forbidden = [hostname(), userInfo().username, cut.home.dir, cut.home.cwd, process.env.PATH!]
  for (const file of kept) {
    const text = readFileSync(join(keptDir, file), 'utf8')
    for (const value of forbidden) assert.ok(!text.includes(value), `${file} holds ${JSON.stringify(value)}`)
  }
})

test('every channel that `popylar status` reports has a row in the "How to say no" table', async () => {
  const { stdout } = await newMachine(collector).popylar(['status', '--json'])
  const documented = codeNames(section(doc, /^How to say no$/).tables[0]!)
  for (const { channel } of JSON.parse(stdout).channels as Array<{ channel: string }>)
    assert.ok(documented.includes(channel), `PRIVACY.md documents "${channel}"`)
})
