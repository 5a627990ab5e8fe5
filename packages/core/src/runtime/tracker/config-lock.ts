// Programs that change config.json at the same time take turns: each reads, changes and writes it while it
// holds a lock file beside it, so that none undoes what another just wrote (a session another program
// started, a choice the person just made), and two programs never both start a session. The lock is held
// for one read and one write, well under a millisecond; one left behind by a program that died holding it
// is taken over once it is LOCK_STALE_MS old.
import { configDir, configPath } from './config-file.js'
import type { ServerHost } from './host.js'
import { mayWrite } from './safe-write.js'

const LOCK_STALE_MS = 1000

/** Waits without giving the event loop a turn: the wait is over before anything else could run. */
function pause(ms: number): void {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  } catch {}
}

/**
 * Runs change holding config.json's lock, for at most waitMs of waiting, and returns what it returns; undefined
 * when the lock could not be had in time. Where there is no config folder (or no home) yet, there is nothing
 * to undo: change runs at once. Throws what change throws, and when the lock cannot be written at all.
 */
export function withConfigLock<T>(host: ServerHost, waitMs: number, change: () => T): T | undefined {
  const { fs } = host
  // No home: no config to undo, and no lock, which would land in the working directory.
  if (!configPath(host)) return change()
  const lock = `${configPath(host)}.lock`
  if (!mayWrite(host, configDir(host))) throw new Error(`cannot write ${lock}`)
  for (let waited = 0; waited <= waitMs; waited++) {
    try {
      fs.writeFileSync(lock, '', { flag: 'wx', mode: 0o600 })
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException
      if (code === 'ENOENT') return change()
      if (code !== 'EEXIST') throw error
      try {
        // lstat: a link left there is judged, and removed, itself (never what it points to).
        if (Date.now() - fs.lstatSync(lock).mtimeMs > LOCK_STALE_MS) fs.unlinkSync(lock)
      } catch {}
      pause(1)
      continue
    }
    try {
      return change()
    } finally {
      fs.rmSync(lock, { force: true })
    }
  }
}
