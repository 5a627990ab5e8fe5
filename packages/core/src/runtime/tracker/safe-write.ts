// How the tracker and the popylar command write on the user's disk: folders only the user can open,
// files only the user can read, each written whole through a temporary file that never stays behind.
import { denoGranted, type ServerHost } from './host.js'

const PRIVATE_FOLDER = 0o700
const PRIVATE_FILE = 0o600
/** A chain of symbolic links longer than this is not followed (the system's own limit is 40). */
const MAX_LINKS = 8

/**
 * Creates each folder that is missing, in order, readable by the user only whatever the umask. Never
 * the first one's parent: a home that does not exist is not created, and then nothing is written.
 */
export function makePrivateFolders(host: ServerHost, folders: string[]): void {
  for (const folder of folders) {
    try {
      host.fs.mkdirSync(folder, { mode: PRIVATE_FOLDER })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

/**
 * True when folder is a real folder (a symbolic link is not followed) that no one else may write to. One
 * that others may write to (made under an umask of 000) is made private first.
 */
export function privateFolder(host: ServerHost, folder: string): boolean {
  try {
    const stat = host.fs.lstatSync(folder)
    if (!stat.isDirectory()) return false
    if (stat.mode & 0o022) host.fs.chmodSync(folder, PRIVATE_FOLDER)
    return true
  } catch {
    return false
  }
}

/** Where a write to file lands: the file a symbolic link points to (a config file kept in a dotfiles folder), or file itself. */
function linkTarget(host: ServerHost, file: string): string {
  const { fs, path } = host
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let link: string
    try {
      link = fs.readlinkSync(file)
    } catch {
      return file
    }
    file = path.resolve(path.dirname(file), link)
  }
  return file
}

/**
 * Writes text through a temporary file beside target, which place() moves or links into its place.
 * The temporary file is gone afterwards, whatever failed (a full disk): nothing is left behind.
 */
function throughTemporaryFile(
  host: ServerHost,
  target: string,
  text: string,
  place: (temp: string) => boolean,
): boolean {
  const { fs } = host
  if (!target || !denoGranted('write')) throw new Error(`cannot write ${target}`)
  const temp = `${target}.${host.process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    fs.writeFileSync(temp, text, { mode: PRIVATE_FILE, flag: 'wx' })
    return place(temp)
  } finally {
    try {
      fs.unlinkSync(temp)
    } catch {}
  }
}

/**
 * Writes a whole file so that no reader ever sees half of it; a symbolic link stays a link, and its
 * target gets the text. With exclusive, an existing file is left alone and false is returned (the
 * first writer wins).
 */
export function writeAtomically(host: ServerHost, file: string, text: string, exclusive?: boolean): boolean {
  const target = linkTarget(host, file)
  return throughTemporaryFile(host, target, text, (temp) => {
    if (!exclusive) {
      host.fs.renameSync(temp, target)
      return true
    }
    return linkNew(host, temp, target)
  })
}

/** Writes a new file under the first of names that is free; false when none is. */
export function writeToFreeName(host: ServerHost, names: string[], text: string): boolean {
  return throughTemporaryFile(host, names[0]!, text, (temp) => names.some((name) => linkNew(host, temp, name)))
}

/** link() fails when the name exists: an atomic create of a complete file. */
function linkNew(host: ServerHost, temp: string, name: string): boolean {
  try {
    host.fs.linkSync(temp, name)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** False where the runtime forbids writing into folder: Deno without --allow-write, Node's --permission without --allow-fs-write for it. */
export function mayWrite(host: ServerHost, folder: string): boolean {
  const { permission } = host.process as { permission?: { has(scope: string, reference?: string): boolean } }
  return denoGranted('write') && (!permission || permission.has('fs.write', folder))
}
