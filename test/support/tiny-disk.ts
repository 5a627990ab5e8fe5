// A real disk that is full: a tmpfs of a few pages mounted on a folder of a test's home, then filled.
// Mounting needs root (CAP_SYS_ADMIN), which the machines of this project run the tests as.
import { execFileSync } from 'node:child_process'
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'

export interface TinyDisk {
  /** Fills every free byte: from then on, every write fails with ENOSPC. */
  fill(): void
  /** Deletes the filler: space is free again. */
  free(): void
  unmount(): void
}

const FILLER = '.filler'

/** Mounts an empty tmpfs of sizeKiB on dir (created if missing), for the test's life (t.after unmounts it). */
export function tinyDisk(t: { after(fn: () => void): void }, dir: string, sizeKiB = 64): TinyDisk {
  if (process.getuid?.() !== 0)
    throw new Error(`mounting a full disk for this test needs root (mount -t tmpfs): run the tests as root`)
  mkdirSync(dir, { recursive: true })
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' })
  let mounted = true
  const disk: TinyDisk = {
    fill() {
      const fd = openSync(join(dir, FILLER), 'a')
      const page = Buffer.alloc(4096, 1)
      try {
        for (;;) writeSync(fd, page)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
      } finally {
        closeSync(fd)
      }
    },
    free() {
      rmSync(join(dir, FILLER), { force: true })
    },
    unmount() {
      if (!mounted) return
      mounted = false
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' })
    },
  }
  t.after(() => disk.unmount())
  return disk
}
