// The proxy a request goes through, read from the environment as curl and Node (NODE_USE_ENV_PROXY)
// read it: https_proxy or HTTPS_PROXY for https, http_proxy or HTTP_PROXY for http (the lower case
// first), except for the hosts no_proxy or NO_PROXY names.
import type { Socket } from 'node:net'

/** A proxy the tracker cannot speak (socks, say): nothing is sent, rather than around the proxy the user chose. */
export const UNUSABLE_PROXY = new URL('unusable:')

/** True when the entries of a NO_PROXY list name the host (and port) of url. */
export function bypassesProxy(noProxy: string, url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return noProxy
    .toLowerCase()
    .split(/[\s,]+/)
    .some((entry) => {
      if (entry === '*') return true
      // A port, when given, must match; host names match as a domain: example.com also names www.example.com.
      // An IPv6 address names no port unless in brackets.
      const [, name, port] = /^[^[]*:.*:/.test(entry) ? [undefined, entry] : /^\[?(.*?)\]?(?::(\d+))?$/.exec(entry)!
      const domain = name!.replace(/^\*?\.?/, '')
      return (
        !!domain &&
        (!port || port === (url.port || (url.protocol === 'https:' ? '443' : '80'))) &&
        (host === domain || host.endsWith(`.${domain}`))
      )
    })
}

/** The proxy for a request to url: undefined to go direct, UNUSABLE_PROXY for one that cannot be used. */
export function proxyFor(env: Record<string, string | undefined>, url: URL): URL | undefined {
  const value = url.protocol === 'https:' ? env.https_proxy || env.HTTPS_PROXY : env.http_proxy || env.HTTP_PROXY
  if (!value || bypassesProxy(env.no_proxy || env.NO_PROXY || '', url)) return
  try {
    // A bare host:port is an HTTP proxy, as curl reads it.
    const proxy = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(value) ? value : `http://${value}`)
    return proxy.protocol === 'http:' || proxy.protocol === 'https:' ? proxy : UNUSABLE_PROXY
  } catch {
    return UNUSABLE_PROXY
  }
}

/** The Proxy-Authorization header line for a proxy URL with credentials, else ''. */
export function proxyAuthorization(proxy: URL): string {
  if (!proxy.username && !proxy.password) return ''
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  // btoa takes Latin-1 only: UTF-8 bytes first, as curl sends them.
  return `Proxy-Authorization: Basic ${btoa(unescape(encodeURIComponent(credentials)))}\r\n`
}

/** Asks the proxy at the other end of sock for a tunnel to url's host; done(true) once the proxy opened it. */
export function openTunnel(sock: Socket, url: URL, proxy: URL, done: (open: boolean) => void): void {
  let answer = ''
  const onData = (chunk: Buffer) => {
    answer += chunk.toString('latin1')
    // The answer ends with an empty line; anything longer than a proxy's answer is not one.
    if (!answer.includes('\r\n\r\n') && answer.length < 8192) return
    sock.off('data', onData)
    done(/^HTTP\/1\.[01] 2\d\d /.test(answer) && answer.endsWith('\r\n\r\n'))
  }
  sock.on('data', onData)
  const target = `${url.hostname}:${url.port || 443}`
  sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${proxyAuthorization(proxy)}\r\n`)
}
