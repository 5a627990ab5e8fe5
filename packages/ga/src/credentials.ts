// Signing in to Google, through google-auth-library: an access token given directly, a service account
// key file, or Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, the
// metadata server). Every request, the token exchange included, goes through the client this returns.
import { readFileSync, statSync } from 'node:fs'
import { type AuthClient, GoogleAuth, OAuth2Client } from 'google-auth-library'
import { redirected } from './api-root.js'
import type { Connection } from './command-line.js'
import { Failure } from './failure.js'

export const SCOPES = {
  edit: 'https://www.googleapis.com/auth/analytics.edit',
  read: 'https://www.googleapis.com/auth/analytics.readonly',
} as const

export type Scope = (typeof SCOPES)[keyof typeof SCOPES]

export interface Session {
  client: AuthClient
  /** Who Google sees, for the lines that say whom to give access: never a secret. */
  who: string
  /** How the credentials were found, for the lines that say how to fix them. */
  source: 'access-token' | 'key-file' | 'application-default'
}

interface KeyFile {
  type?: string
  client_email?: string
}

/** The key file's content, checked before google-auth-library reads it, so a mistake gets its own line. */
function readKeyFile(path: string, namedBy: string): KeyFile {
  let text: string
  try {
    if (!statSync(path).isFile()) throw new Error('not a file')
    text = readFileSync(path, 'utf8')
  } catch {
    throw new Failure('key-file', `${namedBy} names ${path}, which is not a readable file`)
  }
  try {
    const json = JSON.parse(text) as KeyFile
    if (json && typeof json === 'object') return json
  } catch {}
  throw new Failure(
    'key-file',
    `${path} is not a Google credentials file (JSON): download a key of the service account in the Google Cloud console, under IAM > Service accounts > Keys`,
  )
}

/** Sends every request of the client (token exchange included) to the API root, when there is one. */
function redirect(client: AuthClient, apiRoot: string | undefined): AuthClient {
  if (!apiRoot) return client
  client.transporter.interceptors.request.add({
    resolved: async (config) => {
      config.url = new URL(redirected(config.url.toString(), apiRoot))
      return config
    },
  })
  return client
}

function withAccessToken(token: string): Session {
  const client = new OAuth2Client()
  client.setCredentials({ access_token: token })
  return { client, who: 'the account of the access token', source: 'access-token' }
}

async function withGoogleAuth(auth: GoogleAuth, source: Session['source'], email?: string): Promise<Session> {
  let client: AuthClient
  try {
    client = await auth.getClient()
  } catch (error) {
    if (/Could not load the default credentials/i.test((error as Error).message)) throw new Failure('no-credentials')
    throw new Failure('key-file', `google-auth-library could not use the credentials: ${(error as Error).message}`)
  }
  const clientEmail = email ?? (client as AuthClient & { email?: string }).email
  const who = clientEmail
    ? `the service account ${clientEmail}`
    : 'the Google account of your Application Default Credentials'
  return { client, who, source }
}

export async function signIn(connection: Connection, scope: Scope, env: NodeJS.ProcessEnv): Promise<Session> {
  let session: Session
  if (connection.accessToken) {
    session = withAccessToken(connection.accessToken)
  } else if (connection.keyFile) {
    const key = readKeyFile(connection.keyFile, '--key-file')
    session = await withGoogleAuth(
      new GoogleAuth({ keyFile: connection.keyFile, scopes: [scope] }),
      'key-file',
      key.client_email,
    )
  } else {
    const named = env.GOOGLE_APPLICATION_CREDENTIALS
    const key = named ? readKeyFile(named, 'GOOGLE_APPLICATION_CREDENTIALS') : undefined
    session = await withGoogleAuth(new GoogleAuth({ scopes: [scope] }), 'application-default', key?.client_email)
  }
  redirect(session.client, connection.apiRoot)
  return session
}
