// A local stand-in for Google Analytics: an HTTP server on 127.0.0.1 that takes what the tracker sends
// to GA4, records it, checks it against GA4's rules (./ga4-validation.ts) and answers like Google does,
// or, on demand, slowly, never, with a 500 or with a TCP reset. Tests, benchmarks and the demo point
// the tracker at it (POPYLAR_ENDPOINT=collector.url) instead of Google. It never sends anything anywhere.
//
// Protocols:
//   POST|GET /g/collect?v=2&tid=G-…&cid=…&sid=…   gtag: body of event lines "en=…&ep.x=…&epn.y=1", one a line → 204
//   POST /mp/collect?measurement_id=G-…&api_secret=…   Measurement Protocol, JSON body → 204, empty
//   POST /debug/mp/collect?…                          same input → 200 { "validationMessages": [...] }
// Every response has Access-Control-Allow-Origin: *; OPTIONS (CORS preflight) → 204 at once, whatever the
// behaviour. Any other path → 404; a known path with the wrong method → 405. Neither is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import {
  createSessionLedger,
  validateGtag,
  validateMp,
  type EventInput,
  type GtagLine,
  type SessionInput,
  type ValidationMessage,
} from './ga4-validation.js'

export type { ValidationMessage } from './ga4-validation.js'

export type Behaviour = 'normal' | 'slow' | 'hang' | 'error500' | 'reset'
export const BEHAVIOURS: readonly Behaviour[] = ['normal', 'slow', 'hang', 'error500', 'reset']

export interface ReceivedEvent {
  name: string
  params: Record<string, string | number>
}

export interface ReceivedRequest {
  protocol: 'gtag' | 'mp'
  path: string
  debug: boolean
  measurementId: string
  clientId: string
  apiSecret?: string
  /** All query params (the last one wins when a name repeats). */
  query: Record<string, string>
  /** The raw body, decoded as UTF-8. */
  body: string
  events: ReceivedEvent[]
  /** Empty when the request is valid by GA4's rules (and ours: see ga4-validation.ts), also with the requests before it. */
  problems: ValidationMessage[]
  /** The session the request's events are in: gtag's sid and sct, the Measurement Protocol's first session_id; and how many of its events carry _ss and _fv (gtag only). */
  session: { id: string; number?: string; starts: number; firstVisits: number }
  receivedAt: number
  /** The HTTP method and headers (lower-case names), e.g. to check that no cookie is sent. */
  method: string
  headers: Record<string, string>
}

export interface Collector {
  /** e.g. http://127.0.0.1:PORT */
  url: string
  port: number
  /** In order of arrival, recorded as soon as the full body arrived, before any slow or hung answer. */
  requests: ReceivedRequest[]
  events(): Array<ReceivedEvent & { request: ReceivedRequest }>
  /** slow answers after delayMs (default: startCollector's delayMs, else 300). */
  setBehaviour(behaviour: Behaviour, options?: { delayMs?: number }): void
  /** Resolves with the requests once at least n arrived; rejects after timeoutMs (default 5000) or on close(). */
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>
  /** Forgets the requests received so far (the requests array is emptied in place). */
  clear(): void
  /** Stops listening and destroys every socket, hung ones included. */
  close(): Promise<void>
}

export interface CollectorOptions {
  /** 0 (default): any free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  behaviour?: Behaviour
  delayMs?: number
  /** Called with each request as it is recorded (the CLI prints from it). */
  onRequest?: (request: ReceivedRequest) => void
}

const DEFAULT_DELAY_MS = 300
const DEFAULT_WAIT_MS = 5000

interface Route {
  protocol: 'gtag' | 'mp'
  debug: boolean
  methods: readonly string[]
}

const ROUTES: Record<string, Route | undefined> = {
  '/g/collect': { protocol: 'gtag', debug: false, methods: ['GET', 'POST'] },
  '/mp/collect': { protocol: 'mp', debug: false, methods: ['POST'] },
  '/debug/mp/collect': { protocol: 'mp', debug: true, methods: ['POST'] },
}

// ================================================================ parsing: gtag

/** The event lines: the body's non-empty lines, or the query itself when the body is empty and names an event. */
function gtagLines(url: URL, body: string): GtagLine[] {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '')
  if (lines.length > 0) return lines.map((line) => [...new URLSearchParams(line)])
  return url.searchParams.has('en') ? [[...url.searchParams]] : []
}

function addGtagParams(pairs: GtagLine, params: Record<string, string | number>): void {
  for (const [key, value] of pairs) {
    if (key.startsWith('ep.')) params[key.slice(3)] = value
    else if (key.startsWith('epn.')) params[key.slice(4)] = value.trim() === '' ? NaN : Number(value)
  }
}

/** One event: the shared ep.* of the query, then the line's own (which win). */
function gtagEvent(shared: GtagLine, line: GtagLine): ReceivedEvent {
  const params: Record<string, string | number> = {}
  addGtagParams(shared, params)
  addGtagParams(line, params)
  return { name: line.find(([key]) => key === 'en')?.[1] ?? '', params }
}

// ================================================================ parsing: Measurement Protocol

function parseJson(body: string): { payload: unknown; parseError?: string } {
  try {
    return { payload: JSON.parse(body) }
  } catch (error) {
    return { payload: undefined, parseError: (error as Error).message }
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

/** Strings and numbers as they are; anything else (items arrays, booleans) as its JSON text. */
function mpParams(params: unknown): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  for (const [name, value] of Object.entries(asRecord(params))) {
    out[name] = typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value)
  }
  return out
}

function mpEvents(events: unknown): ReceivedEvent[] {
  if (!Array.isArray(events)) return []
  return events.map((event) => {
    const { name, params } = asRecord(event)
    return { name: typeof name === 'string' ? name : '', params: mpParams(params) }
  })
}

// ================================================================ one request

type Common = Pick<ReceivedRequest, 'path' | 'debug' | 'query' | 'body' | 'receivedAt' | 'method' | 'headers'>

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  return headers
}

/** Whether each event carries _fv and _ss: on its line, or (for the first) in the query of a request with a body. */
function sessionMarks(shared: GtagLine, lines: GtagLine[]): SessionInput['marks'] {
  const has = (pairs: GtagLine, key: string) => pairs.some(([name, value]) => name === key && value === '1')
  return lines.map((line, index) => ({
    firstVisit: has(line, '_fv') || (index === 0 && has(shared, '_fv')),
    sessionStart: has(line, '_ss') || (index === 0 && has(shared, '_ss')),
  }))
}

function receiveGtag(common: Common, url: URL, ledger: Ledger): ReceivedRequest {
  const lines = gtagLines(url, common.body)
  const shared: GtagLine = common.body.trim() ? [...url.searchParams] : []
  const events = lines.map((line) => gtagEvent(shared, line))
  const { query, headers } = common
  const marks = sessionMarks(shared, lines)
  const [measurementId, clientId, sid, sct] = [query.tid ?? '', query.cid ?? '', query.sid ?? '', query.sct ?? '']
  const problems = [
    ...validateGtag({ query, lines, events: events as EventInput[], headers }),
    ...ledger({ measurementId, clientId, sid, sct, marks }),
  ]
  const session = {
    id: sid,
    number: sct,
    starts: marks.filter((mark) => mark.sessionStart).length,
    firstVisits: marks.filter((mark) => mark.firstVisit).length,
  }
  return { ...common, protocol: 'gtag', measurementId, clientId, events, problems, session }
}

function receiveMp(common: Common): ReceivedRequest {
  const { payload, parseError } = parseJson(common.body)
  const body = asRecord(payload)
  const { query } = common
  const problems = validateMp({ query, payload, parseError, now: common.receivedAt })
  const clientId =
    typeof body.client_id === 'string' || typeof body.client_id === 'number' ? String(body.client_id) : ''
  const events = mpEvents(body.events)
  const request: ReceivedRequest = {
    ...common,
    protocol: 'mp',
    measurementId: query.measurement_id ?? '',
    clientId,
    events,
    problems,
    session: { id: String(events[0]?.params.session_id ?? ''), starts: 0, firstVisits: 0 },
  }
  if (query.api_secret !== undefined) request.apiSecret = query.api_secret
  return request
}

type Ledger = ReturnType<typeof createSessionLedger>

function receive(route: Route, req: IncomingMessage, url: URL, body: string, ledger: Ledger): ReceivedRequest {
  const common: Common = {
    path: url.pathname,
    debug: route.debug,
    query: Object.fromEntries(url.searchParams),
    body,
    receivedAt: Date.now(),
    method: req.method ?? '',
    headers: flatHeaders(req),
  }
  return route.protocol === 'gtag' ? receiveGtag(common, url, ledger) : receiveMp(common)
}

/** The whole body, or undefined when the client went away before sending all of it. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer)
  } catch {
    return undefined
  }
  return Buffer.concat(chunks).toString('utf8')
}

// ================================================================ answers

interface Answer {
  status: number
  type?: string
  body?: string
}

/** What Google answers: 204 for collect, and the validation messages for the debug endpoint. */
function answerFor(route: Route, request: ReceivedRequest): Answer {
  if (!route.debug) return { status: 204 }
  return {
    status: 200,
    type: 'application/json; charset=utf-8',
    body: JSON.stringify({ validationMessages: request.problems }, null, 2),
  }
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.writableEnded) return
  res.writeHead(answer.status, answer.type ? { 'content-type': answer.type } : {})
  res.end(answer.body)
}

function answerPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS')
  res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'content-type')
  res.setHeader('access-control-max-age', '600')
  // Chrome's Private Network Access asks this before a page reaches a loopback address.
  if (req.headers['access-control-request-private-network'] === 'true')
    res.setHeader('access-control-allow-private-network', 'true')
  send(res, { status: 204 })
}

/**
 * Ends the connection with a TCP RST instead of an orderly FIN: the client sees ECONNRESET (undici may
 * report it as "other side closed"), with no HTTP response. socket.resetAndDestroy() exists since Node
 * 16.17/18.3 (so in Node 20); it throws for a socket that is not TCP, where a plain destroy() is the best we have.
 */
function resetConnection(socket: Socket | null): void {
  if (!socket) return
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

interface Mode {
  behaviour: Behaviour
  delayMs: number
}

/** Answers as the current behaviour says. Timers of slow answers go into `timers`, so close() can drop them. */
function respond(res: ServerResponse, answer: Answer, mode: Mode, timers: Set<NodeJS.Timeout>): void {
  switch (mode.behaviour) {
    case 'normal':
      return send(res, answer)
    case 'slow': {
      const timer = setTimeout(() => {
        timers.delete(timer)
        send(res, answer)
      }, mode.delayMs)
      timers.add(timer)
      return
    }
    case 'hang':
      return // never answer: the socket stays open until the client gives up or close() destroys it
    case 'error500':
      return send(res, { status: 500, type: 'text/plain; charset=utf-8', body: 'collector: simulated server error\n' })
    case 'reset':
      return resetConnection(res.socket)
  }
}

// ================================================================ the record of requests

interface Waiter {
  n: number
  resolve: (requests: ReceivedRequest[]) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

function createRecord(onRequest?: (request: ReceivedRequest) => void) {
  const requests: ReceivedRequest[] = []
  const waiters = new Set<Waiter>()

  function settle(waiter: Waiter): void {
    clearTimeout(waiter.timer)
    waiters.delete(waiter)
  }

  function add(request: ReceivedRequest): void {
    requests.push(request)
    try {
      onRequest?.(request)
    } catch (error) {
      console.error('collector: onRequest threw:', error)
    }
    for (const waiter of waiters) {
      if (requests.length < waiter.n) continue
      settle(waiter)
      waiter.resolve(requests.slice())
    }
  }

  function waitFor(n: number, timeoutMs = DEFAULT_WAIT_MS): Promise<ReceivedRequest[]> {
    if (requests.length >= n) return Promise.resolve(requests.slice())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        settle(waiter)
        reject(new Error(`collector: ${requests.length} of ${n} requests arrived within ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter: Waiter = { n, resolve, reject, timer }
      waiters.add(waiter)
    })
  }

  function rejectAll(error: Error): void {
    for (const waiter of waiters) {
      settle(waiter)
      waiter.reject(error)
    }
  }

  return {
    requests,
    add,
    waitFor,
    rejectAll,
    clear: () => {
      requests.length = 0
    },
  }
}

// ================================================================ the server

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return sockets
}

function checkBehaviour(behaviour: string): Behaviour {
  if (!BEHAVIOURS.includes(behaviour as Behaviour))
    throw new TypeError(`collector: unknown behaviour "${behaviour}" (one of ${BEHAVIOURS.join(', ')})`)
  return behaviour as Behaviour
}

export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const host = options.host ?? '127.0.0.1'
  const defaultDelayMs = options.delayMs ?? DEFAULT_DELAY_MS
  const mode: Mode = { behaviour: checkBehaviour(options.behaviour ?? 'normal'), delayMs: defaultDelayMs }
  const record = createRecord(options.onRequest)
  const timers = new Set<NodeJS.Timeout>()
  // Sessions are checked across every request this collector receives: clear() forgets the requests, not them.
  const ledger = createSessionLedger()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('access-control-allow-origin', '*')
    if (req.method === 'OPTIONS') return answerPreflight(req, res)
    const url = new URL(req.url ?? '/', 'http://collector.invalid')
    const route = ROUTES[url.pathname]
    if (!route)
      return send(res, { status: 404, type: 'text/plain; charset=utf-8', body: 'collector: not a collect path\n' })
    if (!route.methods.includes(req.method ?? '')) {
      res.setHeader('allow', [...route.methods, 'OPTIONS'].join(', '))
      return send(res, { status: 405 })
    }
    const body = await readBody(req)
    if (body === undefined) return
    const request = receive(route, req, url, body, ledger)
    record.add(request)
    respond(res, answerFor(route, request), { ...mode }, timers)
  }

  const server = createServer((req, res) => void handle(req, res))
  const sockets = trackSockets(server)
  await listen(server, options.port ?? 0, host)
  const { port } = server.address() as AddressInfo

  async function close(): Promise<void> {
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    record.rejectAll(new Error('collector: closed'))
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    for (const socket of sockets) socket.destroy()
    await closed
  }

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests: record.requests,
    events: () => record.requests.flatMap((request) => request.events.map((event) => ({ ...event, request }))),
    setBehaviour(behaviour, behaviourOptions) {
      mode.behaviour = checkBehaviour(behaviour)
      mode.delayMs = behaviourOptions?.delayMs ?? defaultDelayMs
    },
    waitForRequests: record.waitFor,
    clear: record.clear,
    close,
  }
}
