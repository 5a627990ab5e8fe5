import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ServerHost } from './host.js'
import { clientHints, describeClient, deviceOf, platformVersion } from './user-agent.js'

function hostOf(kind: ServerHost['kind'], version: string, platform: string, arch: string, v8: string): ServerHost {
  const process = { platform, arch, versions: { v8 } } as unknown as NodeJS.Process
  return { kind, version, process } as ServerHost
}

test('platformVersion: macOS by its own number, Windows by release and build, nothing from a Linux kernel', () => {
  assert.equal(platformVersion('darwin', '23.4.0'), '14')
  assert.equal(platformVersion('darwin', '24.6.0'), '15')
  assert.equal(platformVersion('darwin', '25.0.0'), '26', 'after macOS 15 came macOS 26')
  assert.equal(platformVersion('darwin', '19.6.0'), '10.15')
  assert.equal(platformVersion('win32', '10.0.22631'), '10.0.22631')
  assert.equal(platformVersion('linux', '6.8.0-45-generic'), '')
  assert.equal(platformVersion('linux', '5.15.153.1-microsoft-standard-WSL2'), '')
  assert.equal(platformVersion('darwin', ''), '', 'a release that could not be read')
  assert.equal(platformVersion('freebsd', '14.1-RELEASE'), '')
})

test('Node on Linux x64: a Chrome user agent of its V8, the runtime named after it, and the hints to match', () => {
  const client = describeClient(hostOf('node', '20.20.2', 'linux', 'x64', '11.3.244.8-node.38'))
  assert.equal(
    client.userAgent,
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/113.0.0.0 Safari/537.36 Node.js/20.20.2',
  )
  assert.deepEqual(clientHints(client), {
    uaa: 'x86',
    uab: '64',
    uafvl: 'Node.js;20.20.2|Chromium;113.0.0.0',
    uamb: '0',
    uap: 'Linux',
    uapv: '',
  })
  assert.deepEqual(deviceOf(client), {
    category: 'desktop',
    operating_system: 'Linux',
    operating_system_version: '',
    browser: 'Node.js',
    browser_version: '20.20.2',
  })
})

test('Bun on macOS arm64 and Deno on Windows: their own names, the platform as a browser there gives it', () => {
  const bun = describeClient(hostOf('bun', '1.4.5', 'darwin', 'arm64', '14.6.202.34-node.20'))
  assert.match(
    bun.userAgent,
    /^Mozilla\/5\.0 \(Macintosh; Intel Mac OS X 10_15_7\) .* Chrome\/146\.0\.0\.0 Safari\/537\.36 Bun\/1\.4\.5$/,
  )
  assert.deepEqual([clientHints(bun).uaa, clientHints(bun).uab, clientHints(bun).uap], ['arm', '64', 'macOS'])
  assert.equal(clientHints(bun).uafvl, 'Bun;1.4.5|Chromium;146.0.0.0')

  const deno = describeClient(hostOf('deno', '2.9.6', 'win32', 'ia32', '15.0.245.2-rusty'))
  assert.match(
    deno.userAgent,
    /^Mozilla\/5\.0 \(Windows NT 10\.0; Win64; x64\) .* Chrome\/150\.0\.0\.0 Safari\/537\.36 Deno\/2\.9\.6$/,
  )
  assert.deepEqual([clientHints(deno).uaa, clientHints(deno).uab, clientHints(deno).uap], ['x86', '32', 'Windows'])
  assert.equal(deviceOf(deno).browser, 'Deno')
})

test('an OS that no browser names: Unknown, and a user agent that claims no other OS', () => {
  const client = describeClient(hostOf('node', '22.23.5', 'freebsd', 'riscv64', '12.4.254.21-node.57'))
  assert.match(client.userAgent, /^Mozilla\/5\.0 \(X11\) /)
  assert.deepEqual(
    [clientHints(client).uap, clientHints(client).uaa, clientHints(client).uab],
    ['Unknown', 'riscv64', '64'],
  )
})
