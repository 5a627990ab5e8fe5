// A loopback TCP proxy that adds latency: the connection to the upstream is set up delayMs after a
// client connects, and every chunk, in both directions, arrives delayMs after it was sent. A closed
// side is passed on after the same delay, behind the data sent before it.
// What a user-space proxy cannot delay is the TCP handshake itself: the kernel accepts the client at
// once, so the client sees its connect succeed immediately, as it would not on a real slow network.
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface LatencyProxy {
  url: string
  port: number
  close(): Promise<void>
}

export async function startLatencyProxy(options: {
  upstreamPort: number
  delayMs: number
  upstreamHost?: string
}): Promise<LatencyProxy> {
  const { upstreamPort, delayMs } = options
  const upstreamHost = options.upstreamHost ?? '127.0.0.1'
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  }
  const later = (action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      action()
    }, delayMs)
    timers.add(timer)
  }
  /** Passes what from sends on to `to`, delayMs late, ending `to` after the last chunk. */
  const delayedPipe = (from: Socket, to: () => Socket | undefined) => {
    from.on('data', (chunk) => later(() => to()?.write(chunk)))
    from.on('end', () => later(() => to()?.end()))
    // A reset or error: the other side learns of it as late as of anything else.
    from.on('close', (hadError) => {
      if (hadError) later(() => to()?.destroy())
    })
  }

  const server = createServer({ allowHalfOpen: true }, (client) => {
    track(client)
    let upstream: Socket | undefined
    // Timers with the same delay fire in order, so the upstream exists before the first chunk is due.
    later(() => {
      upstream = connect({ host: upstreamHost, port: upstreamPort, allowHalfOpen: true })
      track(upstream)
      delayedPipe(upstream, () => (client.destroyed ? undefined : client))
    })
    delayedPipe(client, () => upstream)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
