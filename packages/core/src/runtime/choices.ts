// The person's choices, read and written: what the popylar command and optOut/optIn/status do.
import { configPath, newClientId, readConfig, writeConfig, type ConfigData } from './config-file.js'
import { envFlag, isCI, machineRefusal, packageRefusal, projectSaysNo, pythonPopylarSaysNo } from './consent.js'
import { detectHost, type ServerHost } from './host.js'

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
  /** The first reason it would not, when it would not. */
  reason?: string
  configFile: string
  /** Present when the config file cannot be read or trusted. */
  configProblem?: string
  clientId?: string
  /** Per-package choices in the config file: true to track, false not to. */
  packages: Record<string, boolean>
  channels: Channel[]
}

async function serverHost(): Promise<ServerHost> {
  const host = await detectHost()
  if (!host || host.kind === 'browser') throw new Error('popylar choices live in a config file, which this runtime cannot reach')
  return host
}

/** Reads the config for a change; a file that cannot be trusted is never overwritten blindly. */
function editableConfig(host: ServerHost): ConfigData {
  const read = readConfig(host)
  if (!read.ok) throw new Error(`${read.problem}. Fix or delete it, then try again.`)
  return read.data
}

/** Records a choice: for every instrumented library, or for one package. Returns the config file's path. */
export async function setTracking(track: boolean, packageName?: string): Promise<string> {
  const host = await serverHost()
  const data = editableConfig(host)
  if (packageName) data.packages = { ...data.packages, [packageName]: { ...data.packages?.[packageName], track } }
  else data.track = track
  writeConfig(host, data)
  return configPath(host)
}

/** Stops tracking by every instrumented library, or by one package. */
export const optOut = (packageName?: string): Promise<string> => setTracking(false, packageName)

/** Allows tracking (and, for libraries built with consent: 'opt-in', asks for it). */
export const optIn = (packageName?: string): Promise<string> => setTracking(true, packageName)

/** Replaces the client id with a new random one. */
export async function resetClientId(): Promise<string> {
  const host = await serverHost()
  const data = editableConfig(host)
  data.clientId = newClientId(host)
  writeConfig(host, data)
  return data.clientId
}

/** Every channel, whether it is in effect and where it was found. */
export async function status(): Promise<TrackingStatus> {
  const host = await serverHost()
  const { env } = host
  const config = readConfig(host)
  const data = config.ok ? config.data : {}
  const python = pythonPopylarSaysNo(host)
  const project = projectSaysNo(host)
  const packages: Record<string, boolean> = {}
  for (const [name, choice] of Object.entries(data.packages ?? {})) if (typeof choice.track === 'boolean') packages[name] = choice.track
  const refusal = machineRefusal(host, config) || packageRefusal(config, undefined, 'opt-out')
  return {
    tracking: !refusal,
    reason: refusal || undefined,
    configFile: configPath(host),
    configProblem: config.ok ? undefined : config.problem,
    clientId: data.clientId,
    packages,
    channels: [
      { channel: 'config file', inEffect: !config.ok || data.track === false, where: configPath(host), detail: config.ok ? (data.track === undefined ? 'no choice recorded' : `"track": ${data.track}`) : config.problem },
      { channel: 'per-package entries', inEffect: Object.values(packages).includes(false), where: configPath(host), detail: Object.keys(packages).length ? Object.entries(packages).map(([name, track]) => `${name}: ${track ? 'on' : 'off'}`).join(', ') : 'none' },
      { channel: 'Python popylar (~/.popylar)', inEffect: python.no, where: python.file },
      { channel: 'DO_NOT_TRACK', inEffect: envFlag(env.DO_NOT_TRACK), where: 'environment', detail: env.DO_NOT_TRACK === undefined ? 'not set' : `set to "${env.DO_NOT_TRACK}"` },
      { channel: 'POPYLAR_DISABLED', inEffect: envFlag(env.POPYLAR_DISABLED), where: 'environment', detail: env.POPYLAR_DISABLED === undefined ? 'not set' : `set to "${env.POPYLAR_DISABLED}"` },
      { channel: 'project package.json', inEffect: project.no, where: project.file, detail: project.file ? (project.no ? '"popylar": {"track": false}' : 'no opt-out') : 'no package.json above this directory' },
      { channel: 'CI', inEffect: false, where: 'environment', detail: isCI(env) ? 'running in CI: sent with ci=true, or dropped by libraries built with ci: false' : 'not in CI' },
    ],
  }
}
