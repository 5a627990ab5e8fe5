// A local stand-in for Google's Analytics APIs, on 127.0.0.1, because Google cannot be reached from
// here. One HTTP server answers, with the paths of the real hosts (the tool's --api-root points at it):
//
//   POST /token                                          oauth2.googleapis.com: service-account JWT grant
//   GET  /v1beta/properties/{id}/customDimensions        analyticsadmin.googleapis.com: list (pageSize, pageToken)
//   POST /v1beta/properties/{id}/customDimensions        analyticsadmin.googleapis.com: create
//   POST /v1beta/properties/{id}:runReport               analyticsdata.googleapis.com
//   POST /v1beta/properties/{id}:batchRunReports         analyticsdata.googleapis.com (at most 5 requests)
//
// Built from Google's published request and response shapes (the Admin API v1beta and Data API v1beta
// REST references, google.rpc.Status errors with ErrorInfo, RFC 6749 token errors). It checks what
// Google checks: the bearer token and its scopes (analytics.readonly or .edit to list, .edit to create,
// analytics.readonly or analytics for reports), the caller's role on the property (Viewer to read,
// Editor to create), an API not enabled, an exhausted quota, unregistered custom dimensions. Its reports
// are computed from events: a property's own list, or (for the demo) what a collector received.
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import {
  alreadyExists,
  GoogleError,
  insufficientScopes,
  invalidArgument,
  invalidCredentials,
  missingCredentials,
  noPropertyAccess,
  notFound,
  quotaExhausted,
  SERVICES,
  type Service,
  serviceDisabled,
} from './google-errors.js'
import { type RunReportRequest, runReport, type StoredEvent } from './report-engine.js'
import { createServiceAccounts, type ServiceAccountKey } from './service-accounts.js'

export type { ServiceAccountKey } from './service-accounts.js'
export type { StoredEvent } from './report-engine.js'

export const SCOPES = {
  readonly: 'https://www.googleapis.com/auth/analytics.readonly',
  edit: 'https://www.googleapis.com/auth/analytics.edit',
  analytics: 'https://www.googleapis.com/auth/analytics',
} as const

/** The scopes each method accepts, from the methods' "Authorization scopes" in Google's references. */
const METHOD_SCOPES = {
  'customDimensions.list': [SCOPES.readonly, SCOPES.edit],
  'customDimensions.create': [SCOPES.edit],
  runReport: [SCOPES.readonly, SCOPES.analytics],
  batchRunReports: [SCOPES.readonly, SCOPES.analytics],
} as const

type Method = keyof typeof METHOD_SCOPES

export type Role = 'viewer' | 'editor'

export interface CustomDimension {
  name: string
  parameterName: string
  displayName: string
  description?: string
  scope: 'EVENT' | 'USER' | 'ITEM'
  disallowAdsPersonalization?: boolean
}

export interface StandInProperty {
  id: string
  timeZone: string
  customDimensions: CustomDimension[]
  /** Read at each report: a collector's events show as soon as they arrive. */
  events: () => readonly StoredEvent[]
  access: Map<string, Role>
  /** Every request to the property answers 429 RESOURCE_EXHAUSTED. */
  quotaExhausted: boolean
}

export interface PropertyOptions {
  timeZone?: string
  events?: readonly StoredEvent[] | (() => readonly StoredEvent[])
  /** Event-scoped dimensions that already exist, by parameter name. */
  eventParameters?: string[]
}

/** A request as it arrived, without its credentials. */
export interface RecordedRequest {
  method: string
  path: string
  /** Who the bearer token belongs to, if it is known. */
  principal?: string
  body?: unknown
  status: number
}

export interface GoogleApisStandIn {
  url: string
  requests: RecordedRequest[]
  addProperty(id: string, options?: PropertyOptions): StandInProperty
  property(id: string): StandInProperty | undefined
  grant(principal: string, propertyId: string, role: Role): void
  /** An access token, as if the principal had signed in with these scopes. */
  issueToken(principal: string, scopes: readonly string[]): string
  /** A service account and its key file's content; the account gets no property role by itself. */
  addServiceAccount(name: string): ServiceAccountKey
  deleteServiceAccountKey(email: string): void
  /** The API answers SERVICE_DISABLED, as in a Cloud project where it was never enabled. */
  disableApi(service: Service): void
  close(): Promise<void>
}

export interface StandInOptions {
  /** Default 0: any free port. */
  port?: number
  /** The clock of the reports' "today"; default: the real one. */
  now?: () => Date
}

const PROPERTY_ID = /^\d+$/
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/
const DISPLAY_NAME = /^[A-Za-z][A-Za-z0-9_ ]*$/
const MAX_EVENT_DIMENSIONS = 50
const DEFAULT_PAGE_SIZE = 50
const MAX_PAGE_SIZE = 200
const MAX_BATCH = 5
/** The project the stand-in's credentials belong to, for SERVICE_DISABLED. */
const PROJECT_NUMBER = '1234567890'

interface Route {
  service: Service | 'token'
  method?: Method
  propertyId?: string
}

function route(httpMethod: string, path: string): Route | undefined {
  if (path === '/token' && httpMethod === 'POST') return { service: 'token' }
  const dimensions = /^\/v1beta\/properties\/([^/:]+)\/customDimensions$/.exec(path)
  if (dimensions && (httpMethod === 'GET' || httpMethod === 'POST'))
    return {
      service: SERVICES.admin,
      method: httpMethod === 'GET' ? 'customDimensions.list' : 'customDimensions.create',
      propertyId: dimensions[1]!,
    }
  const report = /^\/v1beta\/properties\/([^/:]+):(runReport|batchRunReports)$/.exec(path)
  if (report && httpMethod === 'POST')
    return { service: SERVICES.data, method: report[2] as Method, propertyId: report[1]! }
  return undefined
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw invalidArgument(`Invalid JSON payload received. Unexpected token.\n${text.slice(0, 40)}\n^`)
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers })
  res.end(JSON.stringify(body, null, 2))
}

export async function startGoogleApis(options: StandInOptions = {}): Promise<GoogleApisStandIn> {
  const now = options.now ?? (() => new Date())
  const properties = new Map<string, StandInProperty>()
  const tokens = new Map<string, { principal: string; scopes: Set<string> }>()
  const disabled = new Set<Service>()
  const serviceAccounts = createServiceAccounts()
  const requests: RecordedRequest[] = []
  let nextDimensionId = 1000

  function issueToken(principal: string, scopes: readonly string[]): string {
    const token = `ya29.stand-in-${randomBytes(24).toString('base64url')}`
    tokens.set(token, { principal, scopes: new Set(scopes) })
    return token
  }

  function addProperty(id: string, propertyOptions: PropertyOptions = {}): StandInProperty {
    const events = propertyOptions.events
    const property: StandInProperty = {
      id,
      timeZone: propertyOptions.timeZone ?? 'Etc/UTC',
      customDimensions: [],
      events: typeof events === 'function' ? events : () => events ?? [],
      access: new Map(),
      quotaExhausted: false,
    }
    for (const parameterName of propertyOptions.eventParameters ?? []) {
      property.customDimensions.push({
        name: `properties/${id}/customDimensions/${nextDimensionId++}`,
        parameterName,
        displayName: parameterName,
        scope: 'EVENT',
      })
    }
    properties.set(id, property)
    return property
  }

  /** The caller, checked as Google does: token, API enabled, scope, then the property and the role. */
  function authorize(req: IncomingMessage, target: Route): { principal: string; property: StandInProperty } {
    const service = target.service as Service
    const header = req.headers.authorization
    if (!header?.startsWith('Bearer ')) throw missingCredentials(service)
    const grant = tokens.get(header.slice('Bearer '.length).trim())
    if (!grant) throw invalidCredentials(service)
    if (disabled.has(service)) throw serviceDisabled(service, PROJECT_NUMBER)
    const accepted = METHOD_SCOPES[target.method!]
    if (!accepted.some((scope) => grant.scopes.has(scope))) throw insufficientScopes(service, target.method!, accepted)
    if (!PROPERTY_ID.test(target.propertyId!))
      throw invalidArgument(`Invalid property ID: ${target.propertyId}. A numeric Property ID is required.`)
    const property = properties.get(target.propertyId!)
    const role = property?.access.get(grant.principal)
    if (!property || !role) throw noPropertyAccess(service)
    if (target.method === 'customDimensions.create' && role !== 'editor') throw noPropertyAccess(service)
    if (property.quotaExhausted) throw quotaExhausted()
    return { principal: grant.principal, property }
  }

  function listDimensions(property: StandInProperty, url: URL): unknown {
    const pageSize = Math.min(Number(url.searchParams.get('pageSize') || DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    if (!Number.isInteger(pageSize) || pageSize < 1) throw invalidArgument('page_size must be positive.')
    const token = url.searchParams.get('pageToken')
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0
    if (!Number.isInteger(start) || start < 0) throw invalidArgument('Invalid page token.')
    const page = property.customDimensions.slice(start, start + pageSize)
    const next = start + pageSize < property.customDimensions.length
    return {
      ...(page.length > 0 ? { customDimensions: page } : {}),
      ...(next ? { nextPageToken: Buffer.from(String(start + pageSize)).toString('base64url') } : {}),
    }
  }

  function createDimension(property: StandInProperty, body: unknown): CustomDimension {
    const input = (body ?? {}) as Partial<CustomDimension>
    const scope = input.scope
    if (scope !== 'EVENT' && scope !== 'USER' && scope !== 'ITEM')
      throw invalidArgument('Field scope is required: EVENT, USER or ITEM.')
    const maxLength = scope === 'USER' ? 24 : 40
    const parameterName = input.parameterName ?? ''
    if (!PARAMETER_NAME.test(parameterName) || parameterName.length > maxLength)
      throw invalidArgument(`Invalid parameter name: ${parameterName}`)
    const displayName = input.displayName ?? ''
    if (!DISPLAY_NAME.test(displayName) || displayName.length > 82)
      throw invalidArgument(`Invalid display name: ${displayName}`)
    if ((input.description ?? '').length > 150) throw invalidArgument('The description is longer than 150 characters.')
    const same = property.customDimensions
    if (same.some((dimension) => dimension.scope === scope && dimension.parameterName === parameterName))
      throw alreadyExists(`A custom dimension with parameter name ${parameterName} and scope ${scope} already exists.`)
    if (same.some((dimension) => dimension.displayName.toLowerCase() === displayName.toLowerCase()))
      throw alreadyExists(`A custom dimension with display name ${displayName} already exists.`)
    if (scope === 'EVENT' && same.filter((dimension) => dimension.scope === 'EVENT').length >= MAX_EVENT_DIMENSIONS)
      throw new GoogleError(
        400,
        'FAILED_PRECONDITION',
        `The property has reached its limit of ${MAX_EVENT_DIMENSIONS} event-scoped custom dimensions.`,
      )
    const created: CustomDimension = {
      name: `properties/${property.id}/customDimensions/${nextDimensionId++}`,
      parameterName,
      displayName,
      ...(input.description ? { description: input.description } : {}),
      scope,
      ...(scope === 'USER' ? { disallowAdsPersonalization: input.disallowAdsPersonalization === true } : {}),
    }
    property.customDimensions.push(created)
    return created
  }

  function report(property: StandInProperty, request: RunReportRequest) {
    if (request.property !== undefined && request.property !== `properties/${property.id}`)
      throw invalidArgument(`The request's property ${request.property} differs from the batch's.`)
    return runReport(request, {
      events: property.events(),
      timeZone: property.timeZone,
      eventParameters: new Set(
        property.customDimensions
          .filter((dimension) => dimension.scope === 'EVENT')
          .map((dimension) => dimension.parameterName),
      ),
      now: now(),
    })
  }

  function answerToken(body: string): { status: number; body: unknown; principal?: string } {
    const answer = serviceAccounts.exchange(new URLSearchParams(body), now().getTime())
    if (!answer.ok)
      return { status: answer.status, body: { error: answer.error, error_description: answer.description } }
    const accessToken = issueToken(answer.email, answer.scopes)
    return {
      status: 200,
      body: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' },
      principal: answer.email,
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid')
    const text = await readBody(req)
    const target = route(req.method ?? '', url.pathname)
    const record: RecordedRequest = { method: req.method ?? '', path: url.pathname + url.search, status: 0 }
    requests.push(record)
    if (!target) {
      record.status = 404
      return sendJson(res, 404, notFound().body())
    }
    if (target.service === 'token') {
      const answer = answerToken(text)
      record.status = answer.status
      if (answer.principal) record.principal = answer.principal
      return sendJson(res, answer.status, answer.body, { 'cache-control': 'no-store' })
    }
    try {
      const { principal, property } = authorize(req, target)
      record.principal = principal
      const body = parseJson(text)
      record.body = body
      let answer: unknown
      switch (target.method!) {
        case 'customDimensions.list':
          answer = listDimensions(property, url)
          break
        case 'customDimensions.create':
          answer = createDimension(property, body)
          break
        case 'runReport':
          answer = report(property, body as RunReportRequest)
          break
        case 'batchRunReports': {
          const batch = ((body as { requests?: RunReportRequest[] }).requests ?? []) as RunReportRequest[]
          if (batch.length === 0 || batch.length > MAX_BATCH)
            throw invalidArgument(`A batch holds 1 to ${MAX_BATCH} requests; this one holds ${batch.length}.`)
          answer = { reports: batch.map((request) => report(property, request)), kind: 'analyticsData#batchRunReports' }
          break
        }
      }
      record.status = 200
      sendJson(res, 200, answer)
    } catch (error) {
      if (!(error instanceof GoogleError)) throw error
      record.status = error.code
      sendJson(res, error.code, error.body(), error.headers)
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } })
    })
  })
  const sockets = new Set<Socket>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    addProperty,
    property: (id) => properties.get(id),
    grant(principal, propertyId, role) {
      const property = properties.get(propertyId)
      if (!property) throw new Error(`stand-in: no property ${propertyId}`)
      property.access.set(principal, role)
    },
    issueToken,
    addServiceAccount: (name) => serviceAccounts.add(name),
    deleteServiceAccountKey: (email) => serviceAccounts.deleteKey(email),
    disableApi: (service) => disabled.add(service),
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      return closed
    },
  }
}
