// The fixture libraries run where their users run them: Node 18 to 26, Bun and Deno, each the real binary
// from the npm registry (support/runtimes.ts installs them into a cache on first use). In each: one event
// that names the runtime, every opt-out honoured, nothing printed; in Deno no permission prompt and no
// permission error; in workers and where there is no `process`, silence.
import assert from 'node:assert/strict'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { startCollector, type ReceivedRequest } from '@popylar/tools/collector'
import {
  FIXTURE_LIBRARIES,
  FIXTURE_MEASUREMENT_ID,
  assertBuilt,
  fixtureLibrary,
  type LibraryOutput,
} from './support/fixtures.js'
import { startLatencyProxy } from '@popylar/tools/latency-proxy'
import { tinyLibrary } from './support/library.js'
import { loadingScript } from './support/load-libraries.js'
import { runProgram, type ProgramRun } from './support/runtime-program.js'
import { RUNTIMES, type Runtime } from './support/runtimes.js'
import { stalledListener } from './support/stalled-listener.js'
import { tempHome } from './support/temp-home.js'
import { startTlsFront } from '@popylar/tools/tls-front'

/** A cold cache downloads seven runtimes (about 1 GB unpacked): minutes on a slow line, not hours. */
const INSTALL_TIMEOUT_MS = 10 * 60_000
const TEST_TIMEOUT_MS = 60_000

// Every install starts at once, in parallel; each group of tests waits for its own runtime.
const installing = new Map(Object.entries(RUNTIMES).map(([name, install]) => [name, install()]))
for (const pending of installing.values()) pending.catch(() => {}) // reported by the group's before()

const [collector, stalled] = await Promise.all([startCollector(), stalledListener()])
after(async () => {
  stalled.close()
  await collector.close()
})

// HTTPS as to Google: a TLS front for the collector, behind a link that adds 50 ms to every packet, so
// that the handshake takes longer than the grace a finished program would get.
const tlsFront = await startTlsFront(collector.port)
const slowLink = await startLatencyProxy({ upstreamPort: tlsFront.port, delayMs: 50 })
after(async () => {
  await slowLink.close()
  await tlsFront.close()
})
const secureLibrary = await tinyLibrary(after, {
  name: 'secure-lib',
  plugin: { endpoint: `https://localhost:${slowLink.port}` },
})

/** The library the single-library tests load: built by Vite, with an ESM and a CommonJS output. */
const LIBRARY = fixtureLibrary('lib-vite')
const LIBRARY_ESM = LIBRARY.outputs.find((output) => output.format === 'esm')!

const ESM_OUTPUTS = FIXTURE_LIBRARIES.flatMap((library) => library.outputs.filter((output) => output.format === 'esm'))
const ESM_PACKAGES = new Set(
  FIXTURE_LIBRARIES.filter((library) => library.outputs.some((output) => output.format === 'esm')).map(
    (library) => library.packageName,
  ),
)

function describeOutput(output: LibraryOutput): string {
  return `${output.format === 'esm' ? 'ESM' : 'CommonJS'}${output.entry ? ` (entry ${output.entry})` : ''}`
}

/** The program that loads the outputs and prints what their functions return, as JSON. */
function loading(outputs: LibraryOutput[]): { source: string; type: 'module' | 'commonjs'; prints: string } {
  assertBuilt(...outputs.map((output) => output.file))
  return { ...loadingScript(outputs), prints: `${JSON.stringify(outputs.map((output) => output.returns))}\n` }
}

const RUNTIME_NAMES = { node: 'Node.js', bun: 'Bun', deno: 'Deno' }

/**
 * The request describes the runtime as GA4 reads a client: a browser's user agent (Chrome's, on this OS)
 * that ends with the runtime's name and version, and the client hints that name the runtime as a brand.
 */
function assertDescribesRuntime(request: ReceivedRequest, kind: Runtime['kind'], version: string): void {
  const name = RUNTIME_NAMES[kind]
  const userAgent = request.headers['user-agent'] ?? ''
  assert.match(
    userAgent,
    /^Mozilla\/5\.0 \(X11; Linux x86_64\) AppleWebKit\/537\.36 \(KHTML, like Gecko\) Chrome\/\d+\.0\.0\.0 Safari\/537\.36 /,
  )
  assert.ok(userAgent.endsWith(` ${name}/${version}`), userAgent)
  const chrome = /Chrome\/(\d+)/.exec(userAgent)![1]
  assert.deepEqual(
    ['uaa', 'uab', 'uafvl', 'uamb', 'uap', 'uapv'].map((hint) => request.query[hint]),
    [process.arch === 'arm64' ? 'arm' : 'x86', '64', `${name};${version}|Chromium;${chrome}.0.0.0`, '0', 'Linux', ''],
  )
}

function eventsOf(requests: ReceivedRequest[]) {
  return requests.flatMap((request) => request.events)
}

/** Ran, printed exactly what the program prints (no warning, no notice, no error) and sent nothing. */
function assertSilent(run: ProgramRun, prints: string): void {
  assert.equal(run.code, 0, `exit code ${run.code} (${run.signal}); stderr:\n${run.stderr}`)
  assert.equal(run.stderr, '', 'nothing on stderr')
  assert.equal(run.stdout, prints, "stdout holds the program's own output only")
  assert.deepEqual(eventsOf(run.requests), [], 'nothing sent')
}

/** The same on a pseudo-terminal, where a prompt would appear and wait for an answer (until run() kills it). */
function assertSilentOnTerminal(run: ProgramRun, prints: string): void {
  assert.equal(run.code, 0, `exit code ${run.code} (${run.signal}); the terminal showed:\n${run.screen}`)
  assert.equal(run.screen, prints, 'the terminal shows the program output only: no prompt, no warning')
  assert.deepEqual(eventsOf(run.requests), [], 'nothing sent')
}

for (const [name] of installing) {
  describe(name, { timeout: INSTALL_TIMEOUT_MS }, () => {
    let runtime: Runtime
    before(
      async () => {
        runtime = await installing.get(name)!
      },
      { timeout: INSTALL_TIMEOUT_MS },
    )

    for (const library of FIXTURE_LIBRARIES) {
      for (const output of library.outputs) {
        test(`${library.folder} ${describeOutput(output)}: one event naming the runtime and its version, nothing printed`, {
          timeout: TEST_TIMEOUT_MS,
        }, async (t) => {
          const program = loading([output])
          const run = await runProgram(t, runtime, collector, { ...program, expect: 1 })
          assert.equal(run.code, 0, `exit code ${run.code} (${run.signal}); stderr:\n${run.stderr}`)
          assert.equal(run.stderr, '', 'nothing on stderr')
          assert.equal(run.stdout, program.prints, "stdout holds the program's own output only")
          assert.equal(run.requests.length, 1, 'one request')
          const [request] = run.requests
          assert.deepEqual(request!.problems, [], 'the request breaks no GA4 rule')
          assert.equal(request!.measurementId, FIXTURE_MEASUREMENT_ID)
          assert.equal(request!.events.length, 1, 'one event')
          const { params } = request!.events[0]!
          assert.equal(params.runtime, runtime.kind)
          assert.equal(params.runtime_version, runtime.version)
          assert.equal(params.package_name, library.packageName)
          assert.equal(params.package_version, library.packageVersion)
          assertDescribesRuntime(request!, runtime.kind, runtime.version)
        })
      }
    }

    const optOuts: Array<[string, { env?: Record<string, string>; config?: unknown }]> = [
      ['DO_NOT_TRACK=1', { env: { DO_NOT_TRACK: '1' } }],
      ['POPYLAR_DISABLED=1', { env: { POPYLAR_DISABLED: '1' } }],
      ['{"track": false} in the config file', { config: { track: false } }],
      [
        'the package switched off in the config file',
        { config: { packages: { [LIBRARY.packageName]: { track: false } } } },
      ],
    ]
    for (const [label, optOut] of optOuts) {
      test(`opted out with ${label}: nothing sent, nothing printed`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        const program = loading([LIBRARY_ESM])
        assertSilent(await runProgram(t, runtime, collector, { ...program, ...optOut }), program.prints)
      })
    }

    // Deno's node:tls trusts neither NODE_EXTRA_CA_CERTS nor --cert: a certificate made for loopback cannot be trusted there.
    if (name !== 'deno') {
      test('a program still at work sends over HTTPS, though the handshake takes longer than the grace', {
        timeout: TEST_TIMEOUT_MS,
      }, async (t) => {
        const source = `import ${JSON.stringify(pathToFileURL(secureLibrary.esm).href)}\nsetTimeout(() => {}, 600)\n`
        const env = { POPYLAR_ENDPOINT: '', NODE_EXTRA_CA_CERTS: tlsFront.certificateFile }
        const run = await runProgram(t, runtime, collector, { source, type: 'module', env, expect: 1 })
        assert.equal(run.code, 0, run.stderr)
        assert.equal(run.stderr, '', 'nothing on stderr')
        assert.deepEqual(
          eventsOf(run.requests).map((event) => event.params.package_name),
          ['secure-lib'],
        )
      })
    }

    test('a collector that never answers does not hold the program', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const program = loading([LIBRARY_ESM])
      collector.setBehaviour('hang')
      t.after(() => collector.setBehaviour('normal'))
      const run = await runProgram(t, runtime, collector, { ...program, expect: 1 })
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stdout, program.prints)
      assert.equal(run.requests.length, 1, 'the request was written before the program exited')
      // The tracker gives up on a silent collector after 10 s; a program held that long shows here.
      assert.ok(run.ms < 3000, `the program took ${Math.round(run.ms)} ms to exit`)
    })

    test('an event the program could not send before it ended waits, and the next run carries it', {
      timeout: TEST_TIMEOUT_MS,
    }, async (t) => {
      const program = loading([LIBRARY_ESM])
      const home = tempHome(t)
      // A connection that never completes: the program ends before the request is written.
      assertSilent(
        await runProgram(t, runtime, collector, { ...program, home, env: { POPYLAR_ENDPOINT: stalled.url } }),
        program.prints,
      )
      const next = await runProgram(t, runtime, collector, { ...program, home, expect: 1 })
      assert.equal(next.requests.length, 1, 'one request')
      assert.deepEqual(next.requests[0]!.problems, [])
      const events = eventsOf(next.requests)
      assert.deepEqual(
        events.map((event) => [event.params.package_name, event.params.runtime]),
        [
          [LIBRARY.packageName, runtime.kind],
          [LIBRARY.packageName, runtime.kind],
        ],
        "the first run's event and the second's",
      )
    })

    test('a program that calls process.exit() right after the import: its event waits, and the next run carries it (where builtins load at once)', {
      timeout: TEST_TIMEOUT_MS,
    }, async (t) => {
      const program = loading([LIBRARY_ESM])
      const home = tempHome(t)
      assertSilent(
        await runProgram(t, runtime, collector, { ...program, source: `${program.source}\nprocess.exit(0)\n`, home }),
        program.prints,
      )
      const next = await runProgram(t, runtime, collector, { ...program, home, expect: 1 })
      // process.getBuiltinModule (Node 20.16+, Bun, Deno) lets the exit handler read the config and write at once; Node 18 has none.
      const kept = runtime.kind !== 'node' || Number(runtime.version.split('.')[0]) >= 20 ? 1 : 0
      assert.equal(eventsOf(next.requests).length, kept + 1, `${kept} carried event and the run's own`)
    })

    const url = JSON.stringify(pathToFileURL(LIBRARY_ESM.file).href)
    const withoutProcess: Array<[string, string]> = [
      ['without a global process (as in an edge runtime)', 'delete globalThis.process'],
      ['with a stand-in process that only has env (as bundlers polyfill it)', 'globalThis.process = { env: {} }'],
    ]
    for (const [label, prelude] of withoutProcess) {
      test(`${label}: silent and harmless`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
        const source = `${prelude}\nconst library = await import(${url})\nconsole.log(library.greet('Ada'))\n`
        assertSilent(await runProgram(t, runtime, collector, { source, type: 'module' }), `${LIBRARY_ESM.returns}\n`)
      })
    }

    // Node has worker_threads; Bun and Deno have the Web's Worker. A worker has globals of its own.
    // Each worker lives on a while after its import, so that an event it wrongly sent would arrive.
    const workerLives = `await new Promise((resolve) => setTimeout(resolve, 300))`
    const workerFiles = (): Record<string, string> =>
      name.startsWith('node')
        ? {
            'worker.mjs': `import { parentPort } from 'node:worker_threads'\nconst library = await import(${url})\n${workerLives}\nparentPort.postMessage(library.greet('Ada'))\n`,
          }
        : { 'worker.mjs': `const library = await import(${url})\n${workerLives}\npostMessage(library.greet('Ada'))\n` }
    const startWorkers = name.startsWith('node')
      ? `import { Worker } from 'node:worker_threads'\nconst start = () => { const worker = new Worker(new URL('./worker.mjs', import.meta.url)); return new Promise((resolve) => worker.once('message', resolve)) }`
      : `const start = () => { const worker = new Worker(new URL('./worker.mjs', import.meta.url).href, { type: 'module' }); return new Promise((resolve) => { worker.onmessage = (event) => { worker.terminate(); resolve(event.data) } }) }`
    const workerProgram = (mainImports: boolean) =>
      [
        startWorkers,
        mainImports ? `console.log((await import(${url})).greet('Ada'))` : '',
        `for (const said of await Promise.all([start(), start()])) console.log(said)`,
      ].join('\n')

    test('imported only in workers: silent and harmless', { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const run = await runProgram(t, runtime, collector, {
        source: workerProgram(false),
        type: 'module',
        files: workerFiles(),
      })
      assertSilent(run, `${LIBRARY_ESM.returns}\n`.repeat(2))
    })

    test('imported by the main thread and two workers: one event for the process', {
      timeout: TEST_TIMEOUT_MS,
    }, async (t) => {
      const run = await runProgram(t, runtime, collector, {
        source: workerProgram(true),
        type: 'module',
        files: workerFiles(),
        expect: 1,
      })
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stderr, '')
      assert.equal(run.stdout, `${LIBRARY_ESM.returns}\n`.repeat(3))
      assert.equal(eventsOf(run.requests).length, 1, 'one event')
      assert.equal(eventsOf(run.requests)[0]!.params.runtime, runtime.kind)
    })
  })
}

describe('deno permissions', { timeout: INSTALL_TIMEOUT_MS }, () => {
  let deno: Runtime
  before(
    async () => {
      deno = await installing.get('deno')!
    },
    { timeout: INSTALL_TIMEOUT_MS },
  )

  // One program that loads every ESM output: every bundler's wrapper of the tracker is checked at once.
  const program = () => loading(ESM_OUTPUTS)

  const silent: string[][] = [
    [],
    ['--allow-env'],
    ['--allow-read'],
    ['--allow-net'],
    ['--allow-env', '--allow-read'],
    ['--allow-env', '--allow-net'],
    ['--allow-read', '--allow-net'],
    // A new machine: the client id cannot be written without --allow-write.
    ['--allow-env', '--allow-read', '--allow-net'],
    // Granted for some names, hosts or paths only: Deno would still prompt for the others.
    ['--allow-env=NODE_ENV', '--allow-read', '--allow-net', '--allow-write'],
    ['--allow-env', '--allow-read=.', '--allow-net', '--allow-write'],
    ['--allow-env', '--allow-read', '--allow-net=127.0.0.1', '--allow-write'],
    ['-A', '--deny-net'],
  ]
  for (const permissions of silent) {
    const label = permissions.join(' ') || 'no permission'
    test(`deno run ${label}: sends nothing, prints nothing, exits 0`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const { prints, ...code } = program()
      assertSilent(await runProgram(t, deno, collector, { ...code, denoPermissions: permissions }), prints)
    })
    test(`deno run ${label}, on a terminal: no permission prompt`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const { prints, ...code } = program()
      assertSilentOnTerminal(
        await runProgram(t, deno, collector, { ...code, denoPermissions: permissions, terminal: true }),
        prints,
      )
    })
  }

  /** One request with one event per package, each naming Deno. */
  function assertSentFromDeno(run: ProgramRun): void {
    assert.equal(run.requests.length, 1, 'one request')
    const events = eventsOf(run.requests)
    assert.deepEqual(new Set(events.map((event) => event.params.package_name)), ESM_PACKAGES, 'one event per package')
    assert.equal(events.length, ESM_PACKAGES.size)
    for (const event of events) assert.equal(event.params.runtime, 'deno')
    assert.deepEqual(run.requests[0]!.problems, [])
    assertDescribesRuntime(run.requests[0]!, 'deno', deno.version)
  }

  // env, read and net to decide and send; write to keep the new client id. Nothing else (no sys, no run).
  const sending: string[][] = [['-A'], ['--allow-env', '--allow-read', '--allow-net', '--allow-write']]
  for (const permissions of sending) {
    const label = permissions.join(' ')
    test(`deno run ${label}: sends, prints nothing`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const { prints, ...code } = program()
      const run = await runProgram(t, deno, collector, { ...code, denoPermissions: permissions, expect: 1 })
      assert.equal(run.code, 0, run.stderr)
      assert.equal(run.stderr, '')
      assert.equal(run.stdout, prints)
      assertSentFromDeno(run)
    })
    test(`deno run ${label}, on a terminal: sends, no permission prompt`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      const { prints, ...code } = program()
      const run = await runProgram(t, deno, collector, {
        ...code,
        denoPermissions: permissions,
        terminal: true,
        expect: 1,
      })
      assert.equal(run.code, 0, `exit code ${run.code} (${run.signal}); the terminal showed:\n${run.screen}`)
      // On a terminal, the first run on a machine shows the one-line notice (see notice.test.ts).
      const shown = run
        .screen!.split('\n')
        .filter((line) => !line.includes('anonymous usage event'))
        .join('\n')
      assert.equal(shown, prints, 'the terminal shows the program output and the notice only')
      assertSentFromDeno(run)
    })
  }
})
