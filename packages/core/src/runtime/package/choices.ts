// The person's choices, read and written: what the popylar command and optOut/optIn/status do.
import {
  configPath,
  newClientId,
  readConfig,
  writeConfig,
  type ConfigData,
  type ConfigRead,
} from '../tracker/config-file.js'
import { withConfigLock } from '../tracker/config-lock.js'
import {
  envFlag,
  isCI,
  machineRefusal,
  packageRefusal,
  projectPackageJson,
  pythonPopylarFile,
  type Refusal,
} from '../tracker/consent.js'
import { detectHost, type ServerHost } from '../tracker/host.js'
import { discardOutbox, waitingEvents } from '../tracker/outbox.js'

export interface Channel {
  /** What the channel is, as the docs name it. */
  channel: string
  /** True when this channel currently stops tracking. */
  inEffect: boolean
  /** Where it was found: a file or a variable. */
  where?: string
  detail?: string
}

export interface TrackingStatus {
  /** Whether a library in the default opt-out mode would send an event now, from this directory. */
  tracking: boolean
  /** Why it would not, when it would not. */
  reason?: string
  configFile: string
  /** Present when the config file cannot be read or trusted. */
  configProblem?: string
  clientId?: string
  /** Events that earlier runs could not send, waiting for the next run that sends. */
  waiting: number
  /** Whether `popylar opt-in` was run for every library: libraries built with consent: 'opt-in' wait for it (or a per-package opt-in). */
  optedIn: boolean
  /** Per-package choices in the config file: true to track, false not to. */
  packages: Record<string, boolean>
  channels: Channel[]
}

/** What each refusal means, in words. */
export const REFUSALS: Record<Refusal, string> = {
  DO_NOT_TRACK: 'DO_NOT_TRACK is set',
  POPYLAR_DISABLED: 'POPYLAR_DISABLED is set',
  'config-unreadable': 'the config file cannot be read or trusted',
  config: 'opted out in the config file',
  'python-popylar': 'opted out in ~/.popylar (Python popylar)',
  project: 'opted out in the project package.json',
  package: 'opted out of this package',
  'opt-in': 'this package waits for "popylar opt-in"',
  ci: 'running in CI, which this package does not report',
}

/** Why a config file cannot be trusted, in words. */
export function configProblem(read: ConfigRead): string | undefined {
  if (read.ok) return
  if (!read.file) return 'there is no home directory (HOME) to hold popylar/config.json'
  if (read.field === '') return `${read.file}: ${read.error ?? 'not a JSON object'}`
  if (read.field === 'clientId') return `${read.file}: "clientId" must be a UUID v4`
  if (read.field === 'packages') return `${read.file}: "packages" must be an object`
  if (read.field.startsWith('packages.')) return `${read.file}: "${read.field}" must be an object like {"track": false}`
  return `${read.file}: "${read.field}" must be true or false`
}

async function serverHost(): Promise<ServerHost> {
  const host = await detectHost()
  if (!host || host.kind === 'browser')
    throw new Error('popylar choices live in a config file, which this runtime cannot reach')
  return host
}

/** Reads the config for a change; a file that cannot be trusted is never overwritten blindly. */
function editableConfig(host: ServerHost): ConfigData {
  const read = readConfig(host)
  if (!read.ok)
    throw new Error(
      read.file
        ? `${configProblem(read)}. Fix or delete it, then try again.`
        : `${configProblem(read)}: set HOME or XDG_CONFIG_HOME`,
    )
  return read.data
}

/** Changes the config from what it holds, holding its lock (see config-lock.ts): a tracked program writing at the same moment cannot undo the change. */
function changeConfig(host: ServerHost, change: (data: ConfigData) => void): ConfigData {
  const changed = withConfigLock(host, 2000, () => {
    const data = editableConfig(host)
    change(data)
    writeConfig(host, data)
    return data
  })
  if (!changed)
    throw new Error(`${configPath(host)} is locked by another program (${configPath(host)}.lock): try again`)
  return changed
}

/** Records a choice: for every instrumented library, or for one package. Returns the config file's path. */
export async function setTracking(track: boolean, packageName?: string): Promise<string> {
  const host = await serverHost()
  changeConfig(host, (data) => {
    if (packageName) data.packages = { ...data.packages, [packageName]: { ...data.packages?.[packageName], track } }
    else data.track = track
  })
  if (!track && !packageName) discardOutbox(host)
  return configPath(host)
}

/** Stops tracking by every instrumented library, or by one package. */
export const optOut = (packageName?: string): Promise<string> => setTracking(false, packageName)

/** Allows tracking (and, for libraries built with consent: 'opt-in', asks for it). */
export const optIn = (packageName?: string): Promise<string> => setTracking(true, packageName)

/** Replaces the client id with a new random one. */
export async function resetClientId(): Promise<string> {
  const host = await serverHost()
  const { clientId } = changeConfig(host, (data) => {
    data.clientId = newClientId(host)
    // A new user to every property: each will see its first visit, in a session of its own.
    data.properties = {}
    delete data.session
  })
  // Waiting events would otherwise leave with the new id, and tie it to the old one's runs.
  discardOutbox(host)
  return clientId!
}

function variable(env: Record<string, string | undefined>, name: string): Channel {
  const value = env[name]
  return {
    channel: name,
    inEffect: envFlag(value),
    where: 'environment',
    detail: value === undefined ? 'not set' : `set to "${value}"`,
  }
}

/** Every channel, whether it is in effect and where it was found. */
export async function status(): Promise<TrackingStatus> {
  const host = await serverHost()
  const { env } = host
  const config = readConfig(host)
  const data = config.ok ? config.data : {}
  const python = pythonPopylarFile(host)
  const project = projectPackageJson(host)
  const packages: Record<string, boolean> = {}
  for (const [name, choice] of Object.entries(data.packages ?? {}))
    if (typeof choice.track === 'boolean') packages[name] = choice.track
  const refusal = machineRefusal(host, config) ?? packageRefusal(config, undefined, 'opt-out')
  const file = configPath(host)
  const problem = configProblem(config)
  return {
    tracking: !refusal,
    reason: refusal && REFUSALS[refusal],
    configFile: file,
    configProblem: problem,
    clientId: data.clientId,
    waiting: waitingEvents(host),
    optedIn: data.track === true,
    packages,
    channels: [
      {
        channel: 'config file',
        inEffect: !config.ok || data.track === false,
        where: file,
        detail: problem ?? (data.track === undefined ? 'no choice recorded' : `"track": ${data.track}`),
      },
      {
        channel: 'per-package entries',
        inEffect: Object.values(packages).includes(false),
        where: file,
        detail:
          Object.entries(packages)
            .map(([name, track]) => `${name}: ${track ? 'on' : 'off'}`)
            .join(', ') || 'none',
      },
      { channel: 'Python popylar (~/.popylar)', inEffect: python.no, where: python.file },
      variable(env, 'DO_NOT_TRACK'),
      variable(env, 'POPYLAR_DISABLED'),
      {
        channel: 'project package.json',
        inEffect: project.no,
        where: project.file,
        detail: project.file
          ? project.no
            ? '"popylar": {"track": false}'
            : 'no opt-out'
          : 'no package.json above this directory',
      },
      {
        channel: 'CI',
        inEffect: false,
        where: 'environment',
        detail: isCI(env)
          ? 'running in CI: sent with ci=true, or dropped by libraries built with ci: false'
          : 'not in CI',
      },
    ],
  }
}
