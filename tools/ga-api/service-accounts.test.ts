import assert from 'node:assert/strict'
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto'
import { test } from 'node:test'
import { createServiceAccounts, GOOGLE_TOKEN_URL, type TokenAnswer } from './service-accounts.js'

const NOW = Date.parse('2025-06-15T12:00:00Z')
const SECONDS = NOW / 1000

function assertion(privateKey: string, claims: Record<string, unknown>, alg = 'RS256'): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode({ alg, typ: 'JWT' })}.${encode(claims)}`
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), createPrivateKey(privateKey)).toString('base64url')}`
}

function form(jwt: string, grantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer'): URLSearchParams {
  return new URLSearchParams({ grant_type: grantType, assertion: jwt })
}

function refused(answer: TokenAnswer, error: string, description: RegExp): void {
  assert.equal(answer.ok, false)
  if (answer.ok) return
  assert.equal(answer.error, error)
  assert.match(answer.description, description)
}

const accounts = createServiceAccounts()
const key = accounts.add('reporter')
const claims = {
  iss: key.client_email,
  scope: 'https://www.googleapis.com/auth/analytics.readonly',
  aud: GOOGLE_TOKEN_URL,
  iat: SECONDS,
  exp: SECONDS + 3600,
}

test('the key file looks like the one the Google Cloud console downloads', () => {
  assert.equal(key.type, 'service_account')
  assert.match(key.client_email, /^reporter@[a-z-]+\.iam\.gserviceaccount\.com$/)
  assert.match(key.private_key, /^-----BEGIN PRIVATE KEY-----\n/)
  assert.equal(key.token_uri, GOOGLE_TOKEN_URL)
})

test("a JWT signed with the account's key is exchanged for its scopes", () => {
  assert.deepEqual(accounts.exchange(form(assertion(key.private_key, claims)), NOW), {
    ok: true,
    email: key.client_email,
    scopes: ['https://www.googleapis.com/auth/analytics.readonly'],
  })
})

test('a JWT signed with another key, or with a deleted key, has an invalid signature', () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' })
  refused(accounts.exchange(form(assertion(other.toString(), claims)), NOW), 'invalid_grant', /Invalid JWT Signature/)
  const doomed = accounts.add('doomed')
  accounts.deleteKey(doomed.client_email)
  const jwt = assertion(doomed.private_key, { ...claims, iss: doomed.client_email })
  refused(accounts.exchange(form(jwt), NOW), 'invalid_grant', /Invalid JWT Signature/)
})

test('audience, lifetime, scope, account and grant type are checked as Google checks them', () => {
  const exchange = (changes: Record<string, unknown>) =>
    accounts.exchange(form(assertion(key.private_key, { ...claims, ...changes })), NOW)
  refused(exchange({ aud: 'https://example.com/token' }), 'invalid_grant', /audience/)
  refused(exchange({ exp: SECONDS + 7200 }), 'invalid_grant', /short-lived token/)
  refused(exchange({ iat: SECONDS - 7200, exp: SECONDS - 3600 }), 'invalid_grant', /short-lived token/)
  refused(exchange({ scope: '' }), 'invalid_scope', /Invalid OAuth scope/)
  refused(exchange({ iss: 'nobody@x.iam.gserviceaccount.com' }), 'invalid_grant', /account not found/)
  refused(
    accounts.exchange(form(assertion(key.private_key, claims), 'password'), NOW),
    'unsupported_grant_type',
    /password/,
  )
  refused(accounts.exchange(form('not.a.jwt'), NOW), 'invalid_request', /malformed/)
})
