// One JSON request to a Google API, through the signed-in client (it adds the Authorization header,
// the quota project of gcloud's credentials, and honours HTTPS_PROXY). A failure becomes a Failure.
import packageJson from '../package.json' with { type: 'json' }
import type { Session } from './credentials.js'
import { classify, Failure } from './failure.js'

const TIMEOUT_MS = 60_000
const USER_AGENT = `popylar-ga/${packageJson.version}`

interface HttpError {
  status?: number
  code?: string | number
  message: string
  response?: { status?: number; data?: unknown }
  config?: { url?: URL | string }
}

export async function callGoogle<T>(session: Session, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  try {
    const response = await session.client.request<T>({
      url,
      method,
      ...(body === undefined ? {} : { data: body }),
      responseType: 'json',
      timeout: TIMEOUT_MS,
      headers: { 'user-agent': USER_AGENT },
    })
    return response.data
  } catch (error) {
    if (error instanceof Failure) throw error
    const failed = error as HttpError
    const status = failed.response?.status ?? (typeof failed.status === 'number' ? failed.status : undefined)
    throw classify({
      ...(status === undefined ? {} : { status }),
      body: failed.response?.data,
      ...(typeof failed.code === 'string' ? { code: failed.code } : {}),
      message: failed.message,
      url: failed.config?.url?.toString() ?? url,
    })
  }
}
