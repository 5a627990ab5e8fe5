// Where the requests go: Google's hosts, or one root that stands for all three (a proxy, a local stand-in).

export const GOOGLE_HOSTS = {
  admin: 'https://analyticsadmin.googleapis.com',
  data: 'https://analyticsdata.googleapis.com',
  token: 'https://oauth2.googleapis.com',
} as const

export type GoogleApi = keyof typeof GOOGLE_HOSTS

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/

/** What is wrong with an API root, or ''. Plain http only on loopback: a bearer token must not cross a network in clear. */
export function apiRootProblem(root: string): string {
  let url: URL
  try {
    url = new URL(root)
  } catch {
    return `"${root}" is not a URL`
  }
  if (url.protocol === 'https:') return ''
  if (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)) return ''
  if (url.protocol === 'http:') return `"${root}" must use https (plain http is allowed on loopback only)`
  return `"${root}" must be an https URL`
}

/** The root that replaces Google's host of `api`, without a trailing slash; Google's own when there is none. */
export function rootFor(api: GoogleApi, override: string | undefined): string {
  return (override ?? GOOGLE_HOSTS[api]).replace(/\/+$/, '')
}

/** A Google URL moved to the override root, keeping its path and query; other URLs unchanged. */
export function redirected(url: string, override: string | undefined): string {
  if (!override) return url
  for (const host of Object.values(GOOGLE_HOSTS)) {
    if (url === host || url.startsWith(`${host}/`)) return `${override.replace(/\/+$/, '')}${url.slice(host.length)}`
  }
  return url
}
