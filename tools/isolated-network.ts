// A network namespace with nothing in it but its own loopback: a program run inside (with `prefix`)
// reaches no collector, no name server and nothing of the machine's network, only the servers that
// this process puts on that loopback with serve(). They accept there, and run here: a proxy served
// inside can still reach the collector outside, as a real proxy is the one way out of a closed network.
// Made with unshare(1); the listening sockets come back over Node's IPC channel. Needs root.
import { spawn, type ChildProcess } from 'node:child_process'
import type { Server } from 'node:net'

export interface IsolatedNetwork {
  /** Put before a command line to run it inside the namespace. */
  prefix: string[]
  /** Makes server accept connections on 127.0.0.1 inside the namespace; resolves with its port there. */
  serve(server: Server): Promise<number>
  close(): void
}

/** Runs inside the namespace: brings its loopback up, then opens listeners on request and hands them over. */
const INSIDE = `
import { execFileSync } from 'node:child_process'
import { createServer } from 'node:net'
execFileSync('ip', ['link', 'set', 'lo', 'up'])
process.on('message', () => {
  const server = createServer()
  server.listen(0, '127.0.0.1', () => process.send(server.address().port, server, () => server.close()))
})
process.send('ready')
`

function message(child: ChildProcess): Promise<[unknown, unknown]> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the namespace's helper exited (${code})`))
    child.once('exit', onExit)
    child.once('message', (value, handle) => {
      child.off('exit', onExit)
      resolve([value, handle])
    })
  })
}

export async function isolatedNetwork(): Promise<IsolatedNetwork> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0)
    throw new Error('a network namespace of its own needs Linux and root (unshare --net): run as root')
  const child = spawn('unshare', ['--net', process.execPath, '--input-type=module', '-e', INSIDE], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const [ready] = await message(child)
  if (ready !== 'ready') throw new Error(`the namespace's helper said ${String(ready)}`)
  const served: Server[] = []
  let queue = Promise.resolve(0)
  return {
    prefix: ['nsenter', `--net=/proc/${child.pid}/ns/net`, '--'],
    serve(server) {
      // One request at a time: each answer is the listener of the request before it.
      queue = queue.then(async () => {
        const answer = message(child)
        child.send('listen')
        const [port, handle] = await answer
        await new Promise<void>((resolve) => server.listen(handle as Server, resolve))
        served.push(server)
        return port as number
      })
      return queue
    },
    close() {
      for (const server of served) server.close()
      child.kill()
    },
  }
}
