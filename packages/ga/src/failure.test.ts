import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classify, explain, Failure, type FailureContext } from './failure.js'

const REPORT: FailureContext = {
  command: 'report',
  property: '123456',
  scope: 'https://www.googleapis.com/auth/analytics.readonly',
  who: 'the service account reporter@acme.iam.gserviceaccount.com',
  source: 'key-file',
}
const SETUP: FailureContext = { ...REPORT, command: 'setup', scope: 'https://www.googleapis.com/auth/analytics.edit' }

/** A Google JSON error body (google.rpc.Status). */
function google(code: number, status: string, message: string, reason?: string, metadata?: Record<string, string>) {
  return {
    status: code,
    message: `Request failed with status code ${code}`,
    body: {
      error: {
        code,
        message,
        status,
        ...(reason
          ? {
              details: [
                { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata },
              ],
            }
          : {}),
      },
    },
  }
}

test('401: the credentials were not accepted; an access token is to be renewed', () => {
  const failure = classify(google(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'))
  assert.equal(failure.kind, 'unauthenticated')
  assert.match(
    explain(failure, { ...REPORT, source: 'access-token' }),
    /did not accept the access token.*get a new one/,
  )
})

test('a missing scope names the scope and the gcloud command that grants it', () => {
  const failure = classify(
    google(
      403,
      'PERMISSION_DENIED',
      'Request had insufficient authentication scopes.',
      'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
    ),
  )
  assert.equal(failure.kind, 'scope')
  const line = explain(failure, { ...SETUP, source: 'application-default', who: undefined })
  assert.match(line, /lack the scope https:\/\/www\.googleapis\.com\/auth\/analytics\.edit, which setup needs/)
  assert.match(line, /gcloud auth application-default login --scopes=.*analytics\.edit,.*cloud-platform/)
})

test('an API not enabled gives the link Google gave to enable it', () => {
  const activationUrl =
    'https://console.developers.google.com/apis/api/analyticsdata.googleapis.com/overview?project=42'
  const failure = classify(
    google(
      403,
      'PERMISSION_DENIED',
      'Google Analytics Data API has not been used in project 42 before or it is disabled.',
      'SERVICE_DISABLED',
      {
        service: 'analyticsdata.googleapis.com',
        activationUrl,
      },
    ),
  )
  assert.equal(failure.kind, 'api-disabled')
  const line = explain(failure, REPORT)
  assert.ok(line.startsWith('the Google Analytics Data API is not enabled'), line)
  assert.ok(line.includes(activationUrl), line)
})

test('no access to the property (or no such property) names whom to give which role', () => {
  const denied = classify(
    google(403, 'PERMISSION_DENIED', 'User does not have sufficient permissions for this property.'),
  )
  assert.equal(denied.kind, 'no-access')
  assert.match(
    explain(denied, REPORT),
    /property 123456 does not exist, or the service account reporter@acme\.iam\.gserviceaccount\.com has no access to it: .*the Viewer role/,
  )
  assert.match(explain(denied, SETUP), /the Editor role/)
  assert.equal(classify(google(404, 'NOT_FOUND', 'Requested entity was not found.')).kind, 'no-access')
})

test('an exhausted quota says when to retry', () => {
  const failure = classify(google(429, 'RESOURCE_EXHAUSTED', 'Exhausted property tokens per hour.'))
  assert.equal(failure.kind, 'quota')
  assert.match(
    explain(failure, REPORT),
    /quota of property 123456 is used up \(Exhausted property tokens per hour\.\): retry later/,
  )
})

test('a report before setup names the missing dimension and the command that registers it', () => {
  const failure = classify(
    google(400, 'INVALID_ARGUMENT', 'Field customEvent:package_version is not a valid dimension. For a list…'),
  )
  assert.equal(failure.kind, 'not-registered')
  assert.equal(failure.detail, 'package_version')
  assert.match(
    explain(failure, REPORT),
    /no custom dimension for the parameter package_version: run popylar-ga setup --property 123456/,
  )
})

test("the token endpoint's refusal of a service account key says to make a new key", () => {
  const failure = classify({
    status: 400,
    message: 'invalid_grant: Invalid JWT Signature.',
    body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
  })
  assert.equal(failure.kind, 'token-refused')
  assert.match(
    explain(failure, REPORT),
    /refused the key of the service account .* \(invalid_grant: Invalid JWT Signature\.\): .*create a new key/,
  )
})

test('no answer at all names the host and what to check', () => {
  const failure = classify({
    code: 'ECONNREFUSED',
    message: 'connect ECONNREFUSED',
    url: 'http://127.0.0.1:9/v1beta/x',
  })
  assert.equal(failure.kind, 'unreachable')
  assert.equal(
    explain(failure, REPORT),
    'cannot reach 127.0.0.1:9 (ECONNREFUSED): check the network, HTTPS_PROXY, or --api-root',
  )
})

test("anything else is Google's own words, with the status", () => {
  const failure = classify(google(503, 'UNAVAILABLE', 'The service is currently unavailable.'))
  assert.equal(explain(failure, REPORT), 'Google answered 503 UNAVAILABLE: The service is currently unavailable.')
})

test('every line is one line', () => {
  const failures = [
    new Failure('no-credentials'),
    classify(google(403, 'PERMISSION_DENIED', 'x')),
    classify(google(429, 'RESOURCE_EXHAUSTED', 'x')),
  ]
  for (const failure of failures) assert.doesNotMatch(explain(failure, REPORT), /\n/)
})
