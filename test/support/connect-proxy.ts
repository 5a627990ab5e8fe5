// A forward proxy on loopback that speaks HTTP CONNECT, as corporate proxies do, and records the
// targets it was asked for. It tunnels to loopback targets only.
import { connect, createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface ConnectProxy {
  url: string
  /** host:port of each CONNECT, in order. */
  targets: string[]
  close(): Promise<void>
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const targets: string[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  }
  const server = createServer((client) => {
    track(client)
    client.once('data', (head) => {
      const request = /^CONNECT (127\.0\.0\.1):(\d+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1'))
      if (!request) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
        return
      }
      targets.push(`${request[1]}:${request[2]}`)
      const upstream = connect(Number(request[2]), request[1]!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      track(upstream)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets,
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      return closed
    },
  }
}
