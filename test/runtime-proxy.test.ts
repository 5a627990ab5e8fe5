// On a network that opens only through a proxy, the tracker goes through it as curl and Node
// (NODE_USE_ENV_PROXY) do: HTTPS_PROXY with a CONNECT tunnel, HTTP_PROXY with an absolute-form
// request, either case, except for the hosts NO_PROXY names. Each program runs in a network namespace
// with nothing but its own loopback, where only a real proxy (the npm package proxy) listens: the
// direct path to the collector is closed. A proxy that refuses, denies or never answers costs the
// program no more than a dead collector. In Node, Bun and Deno.
import assert from 'node:assert/strict'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { startCollector } from '@popylar/tools/collector'
import { failingProxy, recordingProxy, type FailingProxy } from '@popylar/tools/http-proxy'
import { isolatedNetwork } from '@popylar/tools/isolated-network'
import { startTlsFront } from '@popylar/tools/tls-front'
import { tinyLibrary } from './support/library.js'
import { runProgram, type ProgramRun } from './support/runtime-program.js'
import { everyRuntimeKind, type Runtime } from './support/runtimes.js'

const TIMEOUT_MS = 60_000
const INSTALL_TIMEOUT_MS = 10 * 60_000
/** What a proxy that fails may add to a run, at most, against a dead collector here; the bench has the real figure. */
const MARGIN_MS = 500
/**
 * How long a program keeps working after its import where delivery is checked: a finished Node program
 * leaves HTTPS for its next run, and Deno may end one before its connection is made.
 */
const WORKS_MS = 300

const collector = await startCollector()
const network = await isolatedNetwork()
const tlsFront = await startTlsFront(collector.port)
const proxy = recordingProxy()
const proxyUrl = `http://127.0.0.1:${await network.serve(proxy.server)}`
const failing: Record<string, { proxy?: FailingProxy; url: string }> = {
  // Inside the namespace nothing listens but what was served: port 9 refuses.
  refuses: { url: 'http://127.0.0.1:9' },
}
for (const kind of ['denies', 'hangs'] as const) {
  const failingOne = failingProxy(kind)
  failing[kind] = { proxy: failingOne, url: `http://127.0.0.1:${await network.serve(failingOne.server)}` }
}
after(async () => {
  proxy.server.closeAllConnections()
  proxy.server.close()
  for (const { proxy: failingOne } of Object.values(failing)) failingOne?.close()
  network.close()
  await tlsFront.close()
  await collector.close()
})

// Built for the collector itself (plain HTTP, on the host's loopback) and for its TLS front (HTTPS, by name).
const plain = (await tinyLibrary(after, { name: 'proxied-lib', plugin: { endpoint: collector.url } })).esm
const secure = (
  await tinyLibrary(after, { name: 'secure-lib', plugin: { endpoint: `https://localhost:${tlsFront.port}` } })
).esm

const program = (library: string, worksMs = 0) => ({
  type: 'module' as const,
  source: `import ${JSON.stringify(pathToFileURL(library).href)}\n${worksMs ? `setTimeout(() => {}, ${worksMs})\n` : ''}`,
})
const outcome = (run: ProgramRun) => ({ code: run.code, stdout: run.stdout, stderr: run.stderr })

for (const [name, pending] of Object.entries(everyRuntimeKind())) {
  pending.catch(() => {}) // reported by the group's before()
  describe(`through a proxy, in ${name}`, () => {
    let runtime: Runtime
    before(
      async () => {
        runtime = await pending
      },
      { timeout: INSTALL_TIMEOUT_MS },
    )

    /** The program, inside the closed network; POPYLAR_ENDPOINT off, so each request goes where the library says. */
    const runInside = (
      t: { after(fn: () => void): void },
      source: ReturnType<typeof program>,
      env: Record<string, string>,
      expect = 0,
    ) =>
      runProgram(t, runtime, collector, {
        ...source,
        prefix: network.prefix,
        env: { POPYLAR_ENDPOINT: '', NODE_EXTRA_CA_CERTS: tlsFront.certificateFile, ...env },
        expect,
      })

    test('without a proxy the direct path is closed: nothing arrives', { timeout: TIMEOUT_MS }, async (t) => {
      const run = await runInside(t, program(plain, WORKS_MS), {})
      assert.deepEqual([outcome(run), run.requests], [{ code: 0, stdout: '', stderr: '' }, []])
    })

    for (const variable of ['HTTP_PROXY', 'http_proxy']) {
      test(`${variable}: plain HTTP goes through the proxy as an absolute-form request, and arrives`, {
        timeout: TIMEOUT_MS,
      }, async (t) => {
        proxy.asked.length = 0
        const run = await runInside(t, program(plain, WORKS_MS), { [variable]: proxyUrl }, 1)
        assert.deepEqual(outcome(run), { code: 0, stdout: '', stderr: '' })
        assert.equal(run.requests.length, 1, 'delivered')
        assert.deepEqual(run.requests[0]!.problems, [])
        assert.deepEqual(
          proxy.asked.map((line) => line.replace(/\?.*/, '')),
          [`POST ${collector.url}/g/collect`],
        )
      })
    }

    for (const variable of ['HTTPS_PROXY', 'https_proxy']) {
      test(`${variable}: HTTPS opens a CONNECT tunnel to the collector's host, and the request arrives through it`, {
        timeout: TIMEOUT_MS,
      }, async (t) => {
        proxy.asked.length = 0
        // Deno's node:tls cannot trust a loopback certificate: there the tunnel is checked, not the delivery.
        const delivers = runtime.kind !== 'deno'
        const run = await runInside(t, program(secure, WORKS_MS), { [variable]: proxyUrl }, delivers ? 1 : 0)
        assert.deepEqual(outcome(run), { code: 0, stdout: '', stderr: '' })
        assert.deepEqual(proxy.asked, [`CONNECT localhost:${tlsFront.port}`])
        if (delivers) assert.deepEqual(run.requests.length, 1, 'delivered through the tunnel')
      })
    }

    test('the credentials of a proxy URL are sent as Proxy-Authorization', { timeout: TIMEOUT_MS }, async (t) => {
      proxy.credentials.length = 0
      const withCredentials = proxyUrl.replace('//', '//user:p%C3%A4ss%20word@')
      const run = await runInside(t, program(plain, WORKS_MS), { HTTP_PROXY: withCredentials }, 1)
      assert.equal(run.requests.length, 1)
      assert.deepEqual(proxy.credentials, [`Basic ${Buffer.from('user:päss word').toString('base64')}`])
    })

    test('NO_PROXY (or no_proxy) naming the host: the request goes direct, which is closed here', {
      timeout: TIMEOUT_MS,
    }, async (t) => {
      for (const [variable, hosts] of [
        ['NO_PROXY', 'example.com,127.0.0.1'],
        ['no_proxy', '*'],
      ]) {
        proxy.asked.length = 0
        const run = await runInside(t, program(plain), { HTTP_PROXY: proxyUrl, [variable!]: hosts! })
        assert.deepEqual([outcome(run), run.requests], [{ code: 0, stdout: '', stderr: '' }, []], variable)
        assert.deepEqual(proxy.asked, [], `${variable}=${hosts}: the proxy was not asked`)
      }
    })

    for (const kind of ['refuses', 'denies', 'hangs']) {
      test(`a proxy that ${kind}: same output and exit code, no slower than a dead collector, nothing arrives`, {
        timeout: TIMEOUT_MS,
      }, async (t) => {
        const proxyVariables = { HTTP_PROXY: failing[kind]!.url, HTTPS_PROXY: failing[kind]!.url }
        for (const [library, worksMs] of [
          [plain, 0],
          [secure, WORKS_MS],
        ] as const) {
          // A dead collector: no proxy, and the direct path is closed.
          const dead = await runInside(t, program(library, worksMs), {})
          const behind = await runInside(t, program(library, worksMs), proxyVariables)
          assert.deepEqual(outcome(behind), outcome(dead))
          assert.deepEqual(behind.requests, [])
          assert.ok(
            behind.ms - dead.ms < MARGIN_MS,
            `${library === plain ? 'HTTP' : 'HTTPS'}: ${behind.ms.toFixed(0)} ms behind the proxy, ${dead.ms.toFixed(0)} ms with a dead collector`,
          )
        }
      })
    }
  })
}
