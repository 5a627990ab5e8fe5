// Sending from Node, Bun and Deno without holding the program open.
// A raw HTTP/1.1 request over an unref'd socket: the program exits when it would have,
// and a request that is written by then is delivered even though nobody waits for the answer.
import type { ServerHost } from './host.js'
import type { CollectRequest } from './protocol.js'

/** How long the tracker may keep a program that is done alive, to get its request written. */
export const GRACE_MS = 12
const GIVE_UP_MS = 10_000

/** Resource types that only the tracker's own request leaves behind (see process.getActiveResourcesInfo). */
const ownResources = /^(TCPConnectWrap|TCPSocketWrap|TCPWrap|TLSWrap|QueryReqWrap|GetAddrInfoReqWrap|WriteWrap|ShutdownWrap)$/

/** True when nothing but requests like ours keep the event loop alive: the program wants to exit. */
function programIsDone(host: ServerHost): boolean {
  const info = (host.process as NodeJS.Process & { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo
  if (!info) return true
  try {
    return info.call(host.process).every((type) => ownResources.test(type))
  } catch {
    return true
  }
}

export interface SendResult {
  /** The request reached the socket: the collector has it, even if the program exits now. */
  written: boolean
  /** The collector answered 2xx. */
  accepted: boolean
}

/**
 * Sends one request. onWritten fires as soon as the bytes are handed to the operating system.
 * Never throws; settles with what happened.
 */
export function sendFromServer(host: ServerHost, request: CollectRequest, onWritten: () => void): Promise<SendResult> {
  return new Promise((resolve) => {
    const url = new URL(request.url)
    const secure = url.protocol === 'https:'
    const port = Number(url.port) || (secure ? 443 : 80)
    const hostname = url.hostname.replace(/^\[|\]$/g, '')
    let written = false
    let settled = false
    let socket: import('node:net').Socket | undefined
    let resolver: import('node:dns').Resolver | undefined
    let watchdog: ReturnType<typeof setTimeout> | undefined

    const finish = (accepted: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(watchdog)
      resolver?.cancel()
      socket?.destroy()
      resolve({ written, accepted })
    }

    // Keep a finished program alive for GRACE_MS at most; after that, check now and then, without
    // holding the loop, whether the program is done and only our request is left: then give up.
    const check = () => {
      if (settled || written) return
      if (programIsDone(host)) return finish(false)
      watchdog = setTimeout(check, 10)
      watchdog.unref?.()
    }
    watchdog = setTimeout(check, GRACE_MS)

    const connect = (address: string) => {
      if (settled) return
      const options = { host: address, port, servername: hostname, ALPNProtocols: ['http/1.1'] }
      socket = secure ? host.tls.connect(options) : host.net.connect(options)
      socket.unref()
      socket.setTimeout(GIVE_UP_MS, () => finish(false))
      socket.on('error', () => finish(false))
      socket.on('close', () => finish(false))
      let answer = ''
      socket.on('data', (chunk) => {
        answer += chunk.toString('latin1')
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)
        if (status) finish(status[1]!.startsWith('2'))
      })
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        const head =
          `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: ${request.contentType}\r\n` +
          `Content-Length: ${new TextEncoder().encode(request.body).length}\r\nUser-Agent: popylar\r\nConnection: close\r\n\r\n`
        socket!.write(head + request.body, () => {
          written = true
          clearTimeout(watchdog)
          onWritten()
        })
      })
    }

    try {
      if (host.net.isIP(hostname) || hostname === 'localhost') return connect(hostname === 'localhost' ? '127.0.0.1' : hostname)
      // c-ares rather than getaddrinfo: its queries can be cancelled, so a lookup that never answers cannot hold the program.
      resolver = new host.dns.Resolver({ timeout: 2000, tries: 2 })
      resolver.resolve4(hostname, (error, addresses) => {
        if (error || !addresses[0]) return finish(false)
        connect(addresses[0])
      })
    } catch {
      finish(false)
    }
  })
}
