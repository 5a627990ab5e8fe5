// HTTPS for the local collector: a TLS server on loopback with a certificate made for this run, in
// front of the plain-HTTP collector. Behind the latency proxy, the TLS handshake crosses the delayed
// link, as it does on a real network: the request can be written only after whole round trips.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:tls'

export interface TlsFront {
  port: number
  /** The certificate, to trust with NODE_EXTRA_CA_CERTS. */
  certificateFile: string
  close(): Promise<void>
}

let made: { cert: string; key: string } | undefined

/** A self-signed certificate for "localhost", made once per process with openssl, and removed when it exits. */
function certificate(): { cert: string; key: string } {
  if (made) return made
  const dir = mkdtempSync(join(tmpdir(), 'popylar-tls-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const cert = join(dir, 'localhost.pem')
  const key = join(dir, 'localhost-key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
    ],
    { stdio: 'ignore', timeout: 30_000 },
  )
  made = { cert, key }
  return made
}

export async function startTlsFront(upstreamPort: number): Promise<TlsFront> {
  const files = certificate()
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  }
  const server = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (secure) => {
    track(secure)
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort })
    track(upstream)
    secure.pipe(upstream).pipe(secure)
  })
  server.on('tlsClientError', () => {})
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    certificateFile: files.cert,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
