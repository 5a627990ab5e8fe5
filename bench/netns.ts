// A network namespace of the bench's own, for the name-lookup states: its resolv.conf names a
// loopback name server inside it (children/dns-server.ts), so no query ever reaches the machine's
// resolver or leaves the namespace, which has no interface but its own loopback.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { childProgram } from './children.js'

// One namespace per bench process: two benches running at once must not remove each other's.
const NAME = `popylar-bench-${process.pid}`
const NETNS_ETC = '/etc/netns'
const CONFIG_DIR = `${NETNS_ETC}/${NAME}`

export interface Namespace {
  /** The command and arguments that run a program inside the namespace. */
  wrap(command: string, args: string[]): [string, string[]]
  close(): Promise<void>
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 })
}

function hasIp(): boolean {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Removes a namespace and its resolv.conf; safe to call twice, and from an exit handler. */
function removeNamespace(name = NAME): void {
  try {
    ip('netns', 'del', name)
  } catch {}
  rmSync(`${NETNS_ETC}/${name}`, { recursive: true, force: true })
  try {
    // Created for namespaces like ours; once empty it serves nothing.
    if (!readdirSync(NETNS_ETC).length) rmdirSync(NETNS_ETC)
  } catch {}
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Namespaces of benches that were killed before they could clean up. */
function removeLeftovers(): void {
  let list = ''
  try {
    list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 })
  } catch {}
  for (const match of list.matchAll(/^popylar-bench-(\d+)\b/gm)) {
    if (Number(match[1]) === process.pid || !isAlive(Number(match[1]))) removeNamespace(match[0])
  }
}

function startDnsServer(program: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', NAME, process.execPath, program], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stderr = ''
    const timer = setTimeout(() => fail(new Error('the name server did not start within 5 s')), 5000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.stderr!.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', fail)
    child.on('exit', (code) => fail(new Error(`the name server exited (${code}): ${stderr.trim()}`)))
    child.stdout!.on('data', (chunk) => {
      if (!String(chunk).includes('ready')) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      resolve(child)
    })
  })
}

/** Creates the namespace with its silent name server, or explains why it cannot. */
export async function createNamespace(): Promise<Namespace | { unavailable: string }> {
  if (process.platform !== 'linux') return { unavailable: 'network namespaces exist on Linux only' }
  if (process.getuid?.() !== 0) return { unavailable: '`ip netns add` needs root' }
  if (!hasIp()) {
    try {
      execFileSync('apt-get', ['install', '-y', 'iproute2'], { stdio: 'ignore', timeout: 120_000 })
    } catch {}
    if (!hasIp()) return { unavailable: '`ip` is missing and `apt-get install -y iproute2` did not provide it' }
  }
  removeLeftovers()
  const onExit = () => removeNamespace()
  process.on('exit', onExit)
  let server: ChildProcess | undefined
  try {
    ip('netns', 'add', NAME)
    mkdirSync(CONFIG_DIR, { recursive: true })
    writeFileSync(`${CONFIG_DIR}/resolv.conf`, 'nameserver 127.0.0.1\n')
    ip('netns', 'exec', NAME, 'ip', 'link', 'set', 'lo', 'up')
    server = await startDnsServer(await childProgram('dns-server'))
  } catch (error) {
    removeNamespace()
    process.off('exit', onExit)
    const message = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message
    return { unavailable: `cannot create the network namespace: ${message}` }
  }
  const running = server
  return {
    wrap: (command, args) => ['ip', ['netns', 'exec', NAME, command, ...args]],
    async close() {
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))])
      if (running.exitCode === null && running.signalCode === null) running.kill('SIGKILL')
      removeNamespace()
      process.off('exit', onExit)
    },
  }
}
