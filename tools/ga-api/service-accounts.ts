// Service accounts of the stand-in: a key file like the one the Google Cloud console downloads (a fresh
// RSA key pair per account), and Google's OAuth token endpoint for them: the JWT bearer grant of
// RFC 7523, as Google documents it for service accounts ("Using OAuth 2.0 for Server to Server
// Applications"): an RS256 JWT with iss, scope, aud = https://oauth2.googleapis.com/token, iat and exp
// at most an hour apart, exchanged for { access_token, expires_in, token_type }.
import { generateKeyPairSync, type KeyObject, randomBytes, randomUUID, verify } from 'node:crypto'

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
const PROJECT = 'popylar-stand-in'
/** Google accepts assertions that live at most an hour, and tolerates a little clock skew. */
const MAX_LIFETIME_S = 3600
const SKEW_S = 300

export interface ServiceAccountKey {
  type: 'service_account'
  project_id: string
  private_key_id: string
  private_key: string
  client_email: string
  client_id: string
  auth_uri: string
  token_uri: string
  auth_provider_x509_cert_url: string
  client_x509_cert_url: string
  universe_domain: string
}

interface Account {
  publicKey: KeyObject
  keyId: string
  deleted: boolean
}

/** What the token endpoint answers: the token's grant, or an RFC 6749 error. */
export type TokenAnswer =
  | { ok: true; email: string; scopes: string[] }
  | { ok: false; status: number; error: string; description: string }

function refuse(error: string, description: string, status = 400): TokenAnswer {
  return { ok: false, status, error, description }
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null ? value : undefined
  } catch {
    return undefined
  }
}

export function createServiceAccounts() {
  const accounts = new Map<string, Account>()

  function add(name: string): ServiceAccountKey {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const email = `${name}@${PROJECT}.iam.gserviceaccount.com`
    const keyId = randomBytes(20).toString('hex')
    accounts.set(email, { publicKey, keyId, deleted: false })
    return {
      type: 'service_account',
      project_id: PROJECT,
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: String(BigInt(`0x${randomUUID().replace(/-/g, '')}`) % 10n ** 21n),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: GOOGLE_TOKEN_URL,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: 'googleapis.com',
    }
  }

  /** The key stops working, as when it is deleted in the console. */
  function deleteKey(email: string): void {
    const account = accounts.get(email)
    if (account) account.deleted = true
  }

  function exchange(form: URLSearchParams, now: number): TokenAnswer {
    const grantType = form.get('grant_type')
    if (grantType !== JWT_BEARER) return refuse('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`)
    const parts = (form.get('assertion') ?? '').split('.')
    const [header, claims] = [decodeSegment(parts[0] ?? ''), decodeSegment(parts[1] ?? '')]
    if (parts.length !== 3 || !header || !claims) return refuse('invalid_request', 'Invalid JWT: malformed assertion.')
    if (header.alg !== 'RS256') return refuse('invalid_grant', 'Invalid JWT: the algorithm must be RS256.')
    const account = accounts.get(String(claims.iss))
    if (!account) return refuse('invalid_grant', 'Invalid grant: account not found')
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`)
    const signature = Buffer.from(parts[2]!, 'base64url')
    if (account.deleted || !verify('RSA-SHA256', signed, account.publicKey, signature))
      return refuse('invalid_grant', 'Invalid JWT Signature.')
    if (claims.aud !== GOOGLE_TOKEN_URL) return refuse('invalid_grant', 'Invalid JWT: audience is not the token URL.')
    const [iat, exp] = [Number(claims.iat), Number(claims.exp)]
    const seconds = now / 1000
    if (!(exp - iat <= MAX_LIFETIME_S && iat <= seconds + SKEW_S && exp >= seconds - SKEW_S))
      return refuse(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
      )
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []
    if (scopes.length === 0) return refuse('invalid_scope', 'Invalid OAuth scope or ID token audience provided.')
    return { ok: true, email: String(claims.iss), scopes }
  }

  return { add, deleteKey, exchange }
}
