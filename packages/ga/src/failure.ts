// Everything that can go wrong between the command and Google, each as one line that says what to do.
// Google's answers are read the way its APIs document them (google.rpc.Status: code, message, status,
// details with an ErrorInfo reason; the token endpoint's RFC 6749 error). No line holds a credential.

export type FailureKind =
  | 'no-credentials'
  | 'key-file'
  | 'file'
  | 'token-refused'
  | 'unauthenticated'
  | 'scope'
  | 'api-disabled'
  | 'quota-project'
  | 'no-access'
  | 'not-registered'
  | 'quota'
  | 'unreachable'
  | 'google'

export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    /** Google's own words, or the fact the line is about (a parameter, a host): never a credential. */
    readonly detail = '',
    readonly extra: Record<string, string> = {},
  ) {
    super(detail || kind)
  }
}

/** What a failed request left behind, whatever the HTTP library. */
export interface RawError {
  status?: number
  body?: unknown
  /** A system error code, e.g. ECONNREFUSED. */
  code?: string
  message: string
  url?: string
}

interface GoogleStatus {
  code?: number
  message?: string
  status?: string
  details?: Array<{ '@type'?: string; reason?: string; metadata?: Record<string, string> }>
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

const NOT_A_DIMENSION = /customEvent:([A-Za-z0-9_]+)/
const SCOPE_WORDS = /insufficient authentication scopes/i
const DISABLED_WORDS = /has not been used in project|it is disabled|API has not been enabled/i
const QUOTA_PROJECT_WORDS = /quota project/i

/** Turns a failed request into the Failure it is. */
export function classify(raw: RawError): Failure {
  const body = record(raw.body)
  if (raw.status === undefined) return new Failure('unreachable', raw.code ?? raw.message, { url: raw.url ?? '' })
  // The OAuth token endpoint answers { error: 'invalid_grant', error_description: '…' }.
  if (typeof body?.error === 'string') {
    const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : ''
    return new Failure('token-refused', `${body.error}${description}`)
  }
  const status = (record(body?.error) ?? {}) as GoogleStatus
  const message = status.message ?? raw.message
  const info = status.details?.find((detail) => detail.reason)
  if (raw.status === 401) return new Failure('unauthenticated', message)
  if (raw.status === 429 || status.status === 'RESOURCE_EXHAUSTED') return new Failure('quota', message)
  if (raw.status === 403) {
    if (info?.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' || SCOPE_WORDS.test(message))
      return new Failure('scope', message)
    if (QUOTA_PROJECT_WORDS.test(message)) return new Failure('quota-project', message)
    if (info?.reason === 'SERVICE_DISABLED' || DISABLED_WORDS.test(message))
      return new Failure('api-disabled', message, {
        activationUrl: info?.metadata?.activationUrl ?? '',
        service: info?.metadata?.service ?? '',
      })
    return new Failure('no-access', message)
  }
  if (raw.status === 404) return new Failure('no-access', message)
  if (raw.status === 400) {
    const dimension = NOT_A_DIMENSION.exec(message)
    if (dimension && /not a valid/i.test(message)) return new Failure('not-registered', dimension[1]!)
  }
  return new Failure('google', `${raw.status}${status.status ? ` ${status.status}` : ''}: ${message}`)
}

export interface FailureContext {
  command: string
  property: string
  scope: string
  /** Who Google saw, e.g. "the service account x@y.iam.gserviceaccount.com". */
  who?: string
  source?: 'access-token' | 'key-file' | 'application-default'
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform'

function adcLogin(scope: string): string {
  return `gcloud auth application-default login --scopes=${scope},${CLOUD_PLATFORM}`
}

function host(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'Google'
  }
}

/** The one line the person reads. */
export function explain(failure: Failure, context: FailureContext): string {
  const who = context.who ?? 'these credentials'
  const role = context.command === 'setup' ? 'Editor' : 'Viewer'
  switch (failure.kind) {
    case 'no-credentials':
      return `no Google credentials found: pass --key-file <service-account-key.json>, set GOOGLE_APPLICATION_CREDENTIALS to one, set POPYLAR_GA_ACCESS_TOKEN, or run: ${adcLogin(context.scope)}`
    case 'key-file':
    case 'file':
      return failure.detail
    case 'token-refused':
      return context.source === 'application-default' && !context.who?.startsWith('the service account')
        ? `Google refused your Application Default Credentials (${failure.detail}): sign in again with: ${adcLogin(context.scope)}`
        : `Google refused the key of ${who} (${failure.detail}): the key may be deleted or disabled; create a new key in the Google Cloud console, under IAM > Service accounts > Keys`
    case 'unauthenticated':
      return context.source === 'access-token'
        ? 'Google did not accept the access token (expired, revoked or mistyped): get a new one, e.g. POPYLAR_GA_ACCESS_TOKEN=$(gcloud auth application-default print-access-token)'
        : `Google did not accept the credentials of ${who} (${failure.detail}): sign in again`
    case 'scope':
      return context.source === 'access-token'
        ? `the access token lacks the scope ${context.scope}, which ${context.command} needs: get a token with that scope`
        : `the credentials lack the scope ${context.scope}, which ${context.command} needs: sign in with it: ${adcLogin(context.scope)}`
    case 'api-disabled': {
      const api = failure.extra.service?.startsWith('analyticsadmin')
        ? 'the Google Analytics Admin API'
        : failure.extra.service?.startsWith('analyticsdata')
          ? 'the Google Analytics Data API'
          : 'the API'
      const where =
        failure.extra.activationUrl || 'https://console.cloud.google.com/apis/library (search "Google Analytics")'
      return `${api} is not enabled in the Google Cloud project of ${who}: enable it at ${where}, wait a few minutes, and retry`
    }
    case 'quota-project':
      return `Application Default Credentials from gcloud need a quota project with the Analytics APIs enabled: run gcloud auth application-default set-quota-project <your-project-id>`
    case 'no-access':
      return `property ${context.property} does not exist, or ${who} has no access to it: check the id (GA4: Admin > Property details), and give ${who} the ${role} role under Admin > Property access management`
    case 'not-registered':
      return `property ${context.property} has no custom dimension for the parameter ${failure.detail}: run popylar-ga setup --property ${context.property} (GA4 fills a dimension only with events that arrive after it exists)`
    case 'quota':
      return `the Google Analytics API quota of property ${context.property} is used up (${failure.detail}): retry later; hourly quotas refill within the hour, daily ones at midnight Pacific time`
    case 'unreachable':
      return `cannot reach ${host(failure.extra.url ?? '')} (${failure.detail}): check the network, HTTPS_PROXY, or --api-root`
    case 'google':
      return `Google answered ${failure.detail}`
  }
}
