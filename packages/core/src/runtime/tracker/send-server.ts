// Sending from Node, Bun and Deno without holding the program open.
// A raw HTTP/1.1 request over an unref'd socket: the program exits when it would have,
// and a request that is written by then is delivered even though nobody waits for the answer.
import type { Socket } from 'node:net'
import type { Resolver } from 'node:dns'
import { realTimers, type ServerHost } from './host.js'
import type { CollectRequest } from './protocol.js'
import { openTunnel, proxyAuthorization, proxyFor, UNUSABLE_PROXY } from './proxy.js'

/** How long the tracker may keep a program that is done alive, to get its request written. */
export const GRACE_MS = 12
/** Of which a name lookup may take this much: a resolver that answers at all answers faster. */
const LOOKUP_GRACE_MS = 4

/**
 * Resource types (process.getActiveResourcesInfo) that do not show a program still at work: a request
 * like ours, and the stdio pipes and terminals, which are listed even when idle. Anything else, such as
 * a timer, a server or a child process, means the program is still running.
 */
const IDLE_RESOURCES =
  /^(TCPConnectWrap|ConnectWrap|TLSWrap|QueryReqWrap|GetAddrInfoReqWrap|WriteWrap|ShutdownWrap|TTYWrap|PipeWrap)$/

/** Length in UTF-8 bytes, counted without TextEncoder, which a sandbox may lack (Jest's jsdom environment does). */
const utf8Length = (text: string) => encodeURIComponent(text).replace(/%../g, '.').length

/** True when nothing but requests like ours keep the event loop alive: the program wants to exit. */
function programIsDone(host: ServerHost): boolean {
  try {
    return host.process.getActiveResourcesInfo().every((type) => IDLE_RESOURCES.test(type))
  } catch {
    return true
  }
}

/** Sends one request; calls onWritten once it is written. Settles with true when the collector answered 2xx. Never throws, never rejects. */
export function sendFromServer(host: ServerHost, request: CollectRequest, onWritten: () => void): Promise<boolean> {
  const { setTimeout, clearTimeout } = realTimers()
  return new Promise((resolve) => {
    const url = new URL(request.url)
    const secure = url.protocol === 'https:'
    const proxy = proxyFor(host.env, url)
    if (proxy === UNUSABLE_PROXY) return resolve(false)
    // A finished program cannot wait out a TLS handshake, two round trips to Google: holding it would add
    // delay for nothing. The request stays unwritten, and its events wait in the outbox for the next run.
    // Only Node's list of resources is relied on for this: Bun's is always empty.
    if (secure && host.kind === 'node' && programIsDone(host)) return resolve(false)
    // The socket goes to the proxy when there is one: the same rules hold for it as for a collector.
    const hop = proxy ?? url
    const hopSecure = hop.protocol === 'https:'
    const hostname = hop.hostname.replace(/^\[|\]$/g, '')
    const isAddress = /^[\d.]+$|:/.test(hostname)
    let written = false
    let connected = false
    let socket: Socket | undefined
    let tunnel: Socket | undefined
    let resolver: Resolver | undefined
    let watchdog: ReturnType<typeof setTimeout>

    let resolved = false
    const finish = (accepted: boolean) => {
      resolved = true
      clearTimeout(watchdog)
      resolver?.cancel()
      tunnel?.destroy()
      socket?.destroy()
      resolve(accepted)
    }

    // A finished program is kept alive GRACE_MS at most. After that, an unref'd check gives up as
    // soon as only our request keeps the loop alive, however long the program itself runs. (Checks run
    // in unref'd timers only: a ref'd timer would count itself among the program's work.)
    const check = (delay: number) => {
      watchdog = setTimeout(() => {
        if (written) return
        // A lookup or a connect holds the program; a connected socket, unref'd, does not (in Deno, not even a
        // connecting one): from then on there is nothing to give up. Bun cannot tell whether the program is
        // done, so this is what lets it finish a TLS handshake at all.
        if (connected || (socket && host.kind === 'deno')) return
        if (programIsDone(host)) return finish(false)
        check(10)
      }, delay)
      watchdog.unref?.() // a sandbox's own timers (Jest's jsdom, before Node 20.16) have no unref
    }
    const started = Date.now()
    const hold = (ms: number) => {
      clearTimeout(watchdog)
      watchdog = setTimeout(check, ms, 0)
    }

    const guard = (sock: Socket) => {
      sock.setTimeout(10_000, () => finish(false))
      sock.on('error', () => finish(false))
      sock.on('close', () => finish(false))
    }
    /** Writes the request on sock once it is open, and settles with the answer. */
    const post = (sock: Socket, opened: string) => {
      guard(sock)
      sock.on('data', (chunk) => finish(/^HTTP\/1\.[01] 2/.test(chunk.toString('latin1'))))
      sock.once(opened, () => {
        // Through a proxy, plain HTTP names the whole URL (absolute form); HTTPS goes through a tunnel.
        const target = proxy && !secure ? url.href : `${url.pathname}${url.search}`
        const head = `POST ${target} HTTP/1.1\r\nHost: ${url.host}\r\n${proxy && !secure ? proxyAuthorization(proxy) : ''}Content-Type: ${request.contentType}\r\nContent-Length: ${utf8Length(request.body)}\r\nUser-Agent: ${request.userAgent}\r\nConnection: close\r\n\r\n`
        sock.write(head + request.body, () => {
          written = true
          clearTimeout(watchdog)
          onWritten()
        })
      })
    }

    const connect = async (address: string) => {
      // A server name only for a name: Node warns (DEP0123) when TLS is given an address as one.
      const options = {
        host: address,
        port: +hop.port || (hopSecure ? 443 : 80),
        servername: isAddress ? undefined : hostname,
      }
      const [transport, tls] = await Promise.all([
        host.builtin(hopSecure ? 'tls' : 'net'),
        secure && proxy ? host.builtin('tls') : undefined,
      ])
      if (resolved) return
      const sock: Socket = transport.connect(options)
      socket = sock
      sock.unref()
      sock.once('connect', () => (connected = true))
      if (!tls) return post(sock, hopSecure ? 'secureConnect' : 'connect')
      guard(sock)
      sock.once(hopSecure ? 'secureConnect' : 'connect', () =>
        openTunnel(sock, url, proxy!, (open) => {
          if (!open) return finish(false)
          tunnel = tls.connect({ socket: sock, servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname })
          post(tunnel!, 'secureConnect')
        }),
      )
    }

    const start = async () => {
      if (isAddress || hostname === 'localhost') {
        hold(GRACE_MS)
        return connect(hostname === 'localhost' ? '127.0.0.1' : hostname)
      }
      hold(LOOKUP_GRACE_MS)
      // c-ares rather than getaddrinfo: its queries can be cancelled, so a lookup that never answers cannot hold the program.
      const dns = await host.builtin('dns')
      if (resolved) return
      resolver = new dns.Resolver({ timeout: 2000, tries: 2 }) as Resolver
      resolver.resolve4(hostname, (error, addresses) => {
        if (error) return finish(false)
        // Resolved in time: what is left of the grace goes to connecting and writing.
        hold(Math.max(0, GRACE_MS - (Date.now() - started)))
        connect(addresses[0]!).catch(() => finish(false))
      })
    }
    start().catch(() => finish(false))
  })
}
