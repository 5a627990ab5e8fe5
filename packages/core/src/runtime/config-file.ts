// The user's popylar/config.json: their choices and the client id. Written atomically, read strictly.
import { denoGranted, type ServerHost } from './host.js'

export interface PackageChoice {
  track?: boolean
}

export interface ConfigData {
  track?: boolean
  packages?: Record<string, PackageChoice>
  clientId?: string
  noticeShown?: boolean
  [unknown: string]: unknown
}

/** ok: false means the file exists but cannot be trusted: nothing may be sent (fail closed). */
export type ConfigRead = { ok: true; data: ConfigData; exists: boolean } | { ok: false; problem: string }

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && uuidV4.test(value)
}

export function configDir(host: ServerHost): string {
  const { env, path } = host
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'popylar')
  if (host.process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'popylar')
  return path.join(host.os.homedir(), '.config', 'popylar')
}

export function configPath(host: ServerHost): string {
  return host.path.join(configDir(host), 'config.json')
}

/** Why data is not a config we can trust, or '' when it is. */
export function configProblem(data: unknown): string {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return 'it is not a JSON object'
  const config = data as ConfigData
  if (config.track !== undefined && typeof config.track !== 'boolean') return '"track" must be true or false'
  if (config.clientId !== undefined && !isClientId(config.clientId)) return '"clientId" must be a UUID v4'
  const packages = config.packages
  if (packages === undefined) return ''
  if (!packages || typeof packages !== 'object' || Array.isArray(packages)) return '"packages" must be an object'
  for (const name of Object.keys(packages)) {
    const choice = packages[name]
    if (!choice || typeof choice !== 'object' || (choice.track !== undefined && typeof choice.track !== 'boolean')) {
      return `"packages.${name}" must be an object like {"track": false}`
    }
  }
  return ''
}

export function readConfig(host: ServerHost, file = configPath(host)): ConfigRead {
  let text: string
  try {
    text = host.fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, data: {}, exists: false }
    return { ok: false, problem: `cannot read ${file}: ${(error as Error).message}` }
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, problem: `${file} is not valid JSON` }
  }
  const problem = configProblem(data)
  return problem ? { ok: false, problem: `${file}: ${problem}` } : { ok: true, data: data as ConfigData, exists: true }
}

function tempName(host: ServerHost, file: string): string {
  return `${file}.${host.process.pid}.${host.crypto.randomBytes(4).toString('hex')}.tmp`
}

/**
 * Writes the whole file through a temp file and a rename, so no reader ever sees half of it.
 * With exclusive, an existing file is left alone and false is returned (first writer wins).
 */
export function writeConfig(host: ServerHost, data: ConfigData, options: { exclusive?: boolean; file?: string } = {}): boolean {
  const { fs, path } = host
  const file = options.file ?? configPath(host)
  if (!denoGranted('write')) throw new Error('no permission to write ' + file)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const temp = tempName(host, file)
  fs.writeFileSync(temp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 })
  try {
    if (!options.exclusive) {
      fs.renameSync(temp, file)
      return true
    }
    // link() fails when the file exists: an atomic create of a complete file.
    fs.linkSync(temp, file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    try {
      fs.unlinkSync(temp)
    } catch {}
  }
}

export function newClientId(host: ServerHost): string {
  return host.crypto.randomUUID()
}

/**
 * The client id, created on first use. Programs starting together on a fresh machine
 * all end up with the id that the first of them wrote. Returns undefined when the file cannot be trusted.
 */
export function ensureClientId(host: ServerHost, read: ConfigRead): string | undefined {
  if (!read.ok) return undefined
  if (read.data.clientId) return read.data.clientId
  const clientId = newClientId(host)
  if (!read.exists) {
    if (writeConfig(host, { clientId }, { exclusive: true })) return clientId
  } else {
    writeConfig(host, { ...read.data, clientId })
  }
  const again = readConfig(host)
  return again.ok ? again.data.clientId : undefined
}
