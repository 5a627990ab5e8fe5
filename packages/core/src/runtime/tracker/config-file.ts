// The user's popylar/config.json: their choices and the client id. Written atomically, read strictly.
import { absolute, homeDir, type ServerHost } from './host.js'
import { makePrivateFolders, writeAtomically } from './safe-write.js'

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

/**
 * ok: false means the file exists but cannot be trusted (or there is no home to hold it):
 * nothing may be sent (fail closed). field names what is wrong: '' for the file as a whole.
 */
export type ConfigRead =
  | { ok: true; data: ConfigData; exists: boolean }
  | { ok: false; file: string; field: string; error?: string }

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && uuidV4.test(value)
}

/** The folder of config.json; '' when there is no home to put it in. */
export function configDir(host: ServerHost): string {
  const { env, path } = host
  const home = homeDir(host)
  const base =
    absolute(host, env.XDG_CONFIG_HOME) ||
    (host.process.platform === 'win32' && absolute(host, env.APPDATA)) ||
    (home && path.join(home, '.config'))
  return base ? path.join(base, 'popylar') : ''
}

/** The text of a file, without the byte order mark that some Windows editors write (npm reads past it too). */
export function readText(host: ServerHost, file: string): string {
  return host.fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '')
}

export function configPath(host: ServerHost): string {
  return configDir(host) && host.path.join(configDir(host), 'config.json')
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value)
const isOptionalBoolean = (value: unknown) => value === undefined || typeof value === 'boolean'

/** The field that makes data untrustworthy: '' for the whole, 'track', 'clientId', 'packages' or 'packages.NAME'; undefined when all is well. */
export function invalidField(data: unknown): string | undefined {
  if (!isObject(data)) return ''
  if (!isOptionalBoolean(data.track)) return 'track'
  if (data.clientId !== undefined && !isClientId(data.clientId)) return 'clientId'
  if (data.packages === undefined) return
  if (!isObject(data.packages)) return 'packages'
  for (const name in data.packages) {
    const choice = data.packages[name]
    if (!isObject(choice) || !isOptionalBoolean(choice.track)) return `packages.${name}`
  }
}

export function readConfig(host: ServerHost): ConfigRead {
  const file = configPath(host)
  let text: string
  try {
    if (!file) throw 0
    text = readText(host, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, data: {}, exists: false }
    return { ok: false, file, field: '', error: (error as Error).message }
  }
  try {
    const data = JSON.parse(text)
    const field = invalidField(data)
    return field === undefined ? { ok: true, data, exists: true } : { ok: false, file, field }
  } catch {
    return { ok: false, file, field: '', error: 'not valid JSON' }
  }
}

export function writeConfig(host: ServerHost, data: ConfigData, exclusive?: boolean): boolean {
  makePrivateFolders(host, [host.path.dirname(configDir(host)), configDir(host)])
  return writeAtomically(host, configPath(host), `${JSON.stringify(data, null, 2)}\n`, exclusive)
}

export function newClientId(host: ServerHost): string {
  return host.randomUUID()
}
