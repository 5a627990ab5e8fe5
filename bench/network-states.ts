// The network states a program that imports an instrumented library may meet, each set up for real
// on loopback or inside the bench's own network namespace: nothing leaves the machine.
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { startCollector, type Collector } from '@popylar/tools/collector'
import { startLatencyProxy } from '@popylar/tools/latency-proxy'
import type { Namespace } from './netns.js'
import { startTlsFront } from '@popylar/tools/tls-front'
import { failingProxy, recordingProxy, type FailingProxyKind } from '@popylar/tools/http-proxy'
import { isolatedNetwork } from '@popylar/tools/isolated-network'

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

/**
 * A network that opens only through a proxy: the program runs in a namespace of its own with nothing but
 * its loopback, where a real proxy (the npm package proxy) listens and reaches the collector outside;
 * the direct path is closed. HTTPS goes through a CONNECT tunnel to the TLS front, HTTP as an
 * absolute-form request.
 */
async function throughProxy(secure: boolean): Promise<OpenState> {
  const network = await isolatedNetwork()
  const collector = await startCollector()
  const front = await startTlsFront(collector.port)
  const proxy = recordingProxy()
  const proxyUrl = `http://127.0.0.1:${await network.serve(proxy.server)}`
  return {
    endpoint: secure ? `https://localhost:${front.port}` : collector.url,
    env: secure ? { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: front.certificateFile } : { HTTP_PROXY: proxyUrl },
    wrap: (command, args) => [network.prefix[0]!, [...network.prefix.slice(1), command, ...args]],
    collector,
    settleMs: 300,
    async close() {
      proxy.server.closeAllConnections()
      proxy.server.close()
      network.close()
      await front.close()
      await collector.close()
    },
  }
}

/** The same closed network, with a proxy that refuses connections, or accepts them and never answers. */
async function behindFailingProxy(kind: 'refuses' | FailingProxyKind): Promise<OpenState> {
  const network = await isolatedNetwork()
  const proxy = kind === 'refuses' ? undefined : failingProxy(kind)
  // Inside the namespace nothing listens but what was served: port 9 refuses.
  const proxyUrl = `http://127.0.0.1:${proxy ? await network.serve(proxy.server) : 9}`
  return {
    // Plain HTTP: a finished Node program would not even try HTTPS.
    endpoint: COMPILED_ENDPOINTS.loopback,
    env: { HTTPS_PROXY: proxyUrl, HTTP_PROXY: proxyUrl },
    wrap: (command, args) => [network.prefix[0]!, [...network.prefix.slice(1), command, ...args]],
    settleMs: 0,
    async close() {
      proxy?.close()
      network.close()
    },
  }
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
    label: 'HTTP through a proxy on loopback (absolute form)',
    answersInTime: true,
    needsNamespace: false,
    open: () => throughProxy(false),
  },
  {
    label: 'HTTPS through a proxy on loopback (CONNECT)',
    answersInTime: true,
    needsNamespace: false,
    open: () => throughProxy(true),
  },
  {
    label: 'proxy refuses the connection',
    answersInTime: false,
    needsNamespace: false,
    open: () => behindFailingProxy('refuses'),
  },
  {
    label: 'proxy accepts, never answers',
    answersInTime: false,
    needsNamespace: false,
    open: () => behindFailingProxy('hangs'),
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
