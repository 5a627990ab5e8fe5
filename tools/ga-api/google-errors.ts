// Errors as Google's JSON APIs send them (google.rpc.Status in the HTTP/JSON mapping, AIP-193):
// { "error": { "code": 403, "message": "…", "status": "PERMISSION_DENIED", "details": [ErrorInfo…] } }.
// The messages follow the ones Google's Analytics APIs are known to send.

export interface ErrorInfo {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo'
  reason: string
  domain: string
  metadata?: Record<string, string>
}

export class GoogleError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly details: ErrorInfo[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }

  body(): { error: { code: number; message: string; status: string; details?: ErrorInfo[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        status: this.status,
        ...(this.details.length > 0 ? { details: this.details } : {}),
      },
    }
  }
}

export const SERVICES = {
  admin: 'analyticsadmin.googleapis.com',
  data: 'analyticsdata.googleapis.com',
} as const

export type Service = (typeof SERVICES)[keyof typeof SERVICES]

const SERVICE_TITLES: Record<Service, string> = {
  'analyticsadmin.googleapis.com': 'Google Analytics Admin API',
  'analyticsdata.googleapis.com': 'Google Analytics Data API',
}

function errorInfo(reason: string, metadata?: Record<string, string>): ErrorInfo {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain: 'googleapis.com',
    ...(metadata ? { metadata } : {}),
  }
}

const CREDENTIAL_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'

export function missingCredentials(service: Service): GoogleError {
  return new GoogleError(
    401,
    'UNAUTHENTICATED',
    `Request is missing required authentication credential. ${CREDENTIAL_HELP}`,
    [errorInfo('CREDENTIALS_MISSING', { service })],
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  )
}

export function invalidCredentials(service: Service): GoogleError {
  return new GoogleError(
    401,
    'UNAUTHENTICATED',
    `Request had invalid authentication credentials. ${CREDENTIAL_HELP}`,
    [errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', { service })],
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  )
}

export function insufficientScopes(service: Service, method: string, scopes: readonly string[]): GoogleError {
  return new GoogleError(
    403,
    'PERMISSION_DENIED',
    'Request had insufficient authentication scopes.',
    [errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', { service, method })],
    {
      'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${scopes.join(' ')}"`,
    },
  )
}

export function serviceDisabled(service: Service, project: string): GoogleError {
  const activationUrl = `https://console.developers.google.com/apis/api/${service}/overview?project=${project}`
  return new GoogleError(
    403,
    'PERMISSION_DENIED',
    `${SERVICE_TITLES[service]} has not been used in project ${project} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
    [errorInfo('SERVICE_DISABLED', { service, consumer: `projects/${project}`, activationUrl })],
  )
}

export function noPropertyAccess(service: Service): GoogleError {
  if (service === SERVICES.data)
    return new GoogleError(
      403,
      'PERMISSION_DENIED',
      'User does not have sufficient permissions for this property. To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.',
    )
  return new GoogleError(403, 'PERMISSION_DENIED', 'The caller does not have permission')
}

export function quotaExhausted(): GoogleError {
  return new GoogleError(
    429,
    'RESOURCE_EXHAUSTED',
    'Exhausted property tokens per hour for this property. To learn more about quotas, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas.',
  )
}

export function invalidArgument(message: string): GoogleError {
  return new GoogleError(400, 'INVALID_ARGUMENT', message)
}

export function notValidField(name: string, kind: 'dimension' | 'metric'): GoogleError {
  return invalidArgument(
    `Field ${name} is not a valid ${kind}. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema `,
  )
}

export function alreadyExists(message: string): GoogleError {
  return new GoogleError(409, 'ALREADY_EXISTS', message)
}

export function notFound(): GoogleError {
  return new GoogleError(404, 'NOT_FOUND', 'Requested entity was not found.')
}
