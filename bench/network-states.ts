// The network states a program that imports an instrumented library may meet, each set up for real
// on loopback or inside the bench's own network namespace: nothing leaves the machine.
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { startLatencyProxy } from '@popylar/tools/latency-proxy'
import type { Namespace } from './netns.js'
import { startTlsFront } from '@popylar/tools/tls-front'

export const COMPILED_ENDPOINTS = {
  // Replaced at run time by POPYLAR_ENDPOINT; port 9 (discard) on loopback should that ever fail.
  loopback: 'http://127.0.0.1:9',
  // Both names are answered by children/dns-server.ts inside the namespace only.
  'missing-name': 'https://missing.popylar-bench.invalid',
  'silent-name': 'https://silent.popylar-bench.invalid',
} as const

export interface OpenState {
  /** The endpoint compiled into the instrumented library. */
  endpoint: string
  env: Record<string, string>
  /** Runs a command inside the namespace, for the name-lookup states. */
  wrap?: (command: string, args: string[]) => [string, string[]]
  /** Where delivered events are counted; absent where no collector can be reached. */
  collector?: Collector
  /** How long a request written just before exit may take to reach the collector. */
  settleMs: number
  close(): Promise<void>
}

export interface NetworkState {
  label: string
  /** The collector answers within 300 ms: the delivery goal applies. */
  answersInTime: boolean
  needsNamespace: boolean
  open(namespace?: Namespace): Promise<OpenState>
}

async function withCollector(behaviour: 'normal' | 'slow' | 'hang', delayMs?: number): Promise<OpenState> {
  const collector = await startCollector({ behaviour, delayMs })
  return {
    endpoint: COMPILED_ENDPOINTS.loopback,
    env: { POPYLAR_ENDPOINT: collector.url },
    collector,
    settleMs: 300,
    close: () => collector.close(),
  }
}

async function behindProxy(delayMs: number): Promise<OpenState> {
  const collector = await startCollector()
  const proxy = await startLatencyProxy({ upstreamPort: collector.port, delayMs })
  return {
    endpoint: COMPILED_ENDPOINTS.loopback,
    env: { POPYLAR_ENDPOINT: proxy.url },
    collector,
    settleMs: 4 * delayMs + 300,
    async close() {
      await proxy.close()
      await collector.close()
    },
  }
}

/**
 * HTTPS, as to Google: the library is built for https://localhost:PORT (the runtime override takes
 * http only), the proxy delays the TLS handshake with everything else, and the run trusts the certificate.
 */
async function httpsBehindProxy(delayMs: number): Promise<OpenState> {
  const collector = await startCollector()
  const front = await startTlsFront(collector.port)
  const proxy = delayMs ? await startLatencyProxy({ upstreamPort: front.port, delayMs }) : undefined
  return {
    endpoint: `https://localhost:${proxy ? proxy.port : front.port}`,
    env: { NODE_EXTRA_CA_CERTS: front.certificateFile },
    collector,
    settleMs: 6 * delayMs + 300,
    async close() {
      await proxy?.close()
      await front.close()
      await collector.close()
    },
  }
}

/** A loopback port that nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function inNamespace(endpoint: string) {
  return async (namespace?: Namespace): Promise<OpenState> => {
    if (!namespace) throw new Error('no namespace')
    return { endpoint, env: {}, wrap: namespace.wrap, settleMs: 0, close: async () => {} }
  }
}

export const NETWORK_STATES: NetworkState[] = [
  {
    label: 'collector answers at once',
    answersInTime: true,
    needsNamespace: false,
    open: () => withCollector('normal'),
  },
  { label: '+50 ms latency (TCP proxy)', answersInTime: true, needsNamespace: false, open: () => behindProxy(50) },
  { label: '+150 ms latency (TCP proxy)', answersInTime: true, needsNamespace: false, open: () => behindProxy(150) },
  {
    label: 'HTTPS, collector answers at once',
    answersInTime: true,
    needsNamespace: false,
    open: () => httpsBehindProxy(0),
  },
  {
    label: 'HTTPS, +50 ms latency (TLS handshake through the proxy)',
    answersInTime: true,
    needsNamespace: false,
    open: () => httpsBehindProxy(50),
  },
  {
    label: 'HTTPS, +150 ms latency (TLS handshake through the proxy)',
    answersInTime: true,
    needsNamespace: false,
    open: () => httpsBehindProxy(150),
  },
  {
    label: 'collector answers after 300 ms',
    answersInTime: true,
    needsNamespace: false,
    open: () => withCollector('slow', 300),
  },
  { label: 'accepts, never answers', answersInTime: false, needsNamespace: false, open: () => withCollector('hang') },
  {
    label: 'connection refused',
    answersInTime: false,
    needsNamespace: false,
    async open() {
      return {
        endpoint: COMPILED_ENDPOINTS.loopback,
        env: { POPYLAR_ENDPOINT: `http://127.0.0.1:${await closedPort()}` },
        settleMs: 0,
        close: async () => {},
      }
    },
  },
  {
    label: 'host name does not resolve',
    answersInTime: false,
    needsNamespace: true,
    open: inNamespace(COMPILED_ENDPOINTS['missing-name']),
  },
  {
    label: 'name lookup never answers',
    answersInTime: false,
    needsNamespace: true,
    open: inNamespace(COMPILED_ENDPOINTS['silent-name']),
  },
]
