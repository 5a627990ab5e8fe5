// A real HTTP proxy (the npm package `proxy`: CONNECT tunnels and absolute-form requests, as Squid
// serves them), which records what it was asked; and two that fail: one that denies every request
// (407, as a proxy that wants credentials) and one that accepts connections and never answers.
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { createProxy } from 'proxy'

export interface RecordingProxy {
  server: HttpServer
  /** "CONNECT host:port" or "POST http://…", in order of arrival. */
  asked: string[]
  /** The Proxy-Authorization headers received, in order. */
  credentials: Array<string | undefined>
}

export type FailingProxyKind = 'denies' | 'hangs'

/** The proxy, not listening yet: listen() it, or hand it to an isolated network's serve(). */
export function recordingProxy(): RecordingProxy {
  const asked: string[] = []
  const credentials: Array<string | undefined> = []
  const record = (request: IncomingMessage) => {
    asked.push(`${request.method} ${request.url}`)
    credentials.push(request.headers['proxy-authorization'])
  }
  const server = createHttpServer()
  // Recorded before the proxy's own listeners run.
  server.prependListener('request', record)
  server.prependListener('connect', record)
  return { server: createProxy(server), asked, credentials }
}

export interface FailingProxy {
  server: Server
  /** Stops it, and drops the connections it holds. */
  close(): void
}

/** A proxy that fails: with 407 to every request, or by never answering at all. */
export function failingProxy(kind: FailingProxyKind): FailingProxy {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    if (kind === 'denies')
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
        ),
      )
  })
  return {
    server,
    close() {
      server.close()
      for (const socket of sockets) socket.destroy()
    },
  }
}
