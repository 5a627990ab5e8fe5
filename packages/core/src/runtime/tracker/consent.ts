// Every way the person running the program can say no. Any "no" wins; an unreadable choice is a "no".
// Refusals are short codes: the tracker only needs to know that it may not send; choices.ts
// explains them to people.
import { readText, type ConfigRead } from './config-file.js'
import { homeDir, type ServerHost } from './host.js'
import type { Consent } from './types.js'

export type Refusal =
  | 'DO_NOT_TRACK'
  | 'POPYLAR_DISABLED'
  | 'config-unreadable'
  | 'config'
  | 'python-popylar'
  | 'project'
  | 'package'
  | 'opt-in'
  | 'ci'

/** Set to anything but empty, 0 or false. */
export function envFlag(value: string | undefined): boolean {
  return !!value && !/^(0|false)$/i.test(value.trim())
}

export function isCI(env: Record<string, string | undefined>): boolean {
  return ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'TF_BUILD'].some((name) => envFlag(env[name]))
}

function readIfThere(host: ServerHost, file: string): string {
  try {
    return readText(host, file)
  } catch {
    return ''
  }
}

/** The Python popylar's ~/.popylar: an INI file with "track = False", or the old "DO_NOT_TRACK" marker. */
export function pythonPopylarFile(host: ServerHost): { file: string; no: boolean } {
  const file = host.path.join(homeDir(host) || '/', '.popylar')
  return { file, no: /^\s*(DO_NOT_TRACK|track\s*[=:]\s*(false|no|off|0))\s*$/im.test(readIfThere(host, file)) }
}

/** The nearest package.json above the working directory, and whether it says "popylar": {"track": false}. */
export function projectPackageJson(host: ServerHost): { file?: string; no: boolean } {
  const { path } = host
  for (let dir = host.process.cwd(); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    const text = readIfThere(host, file)
    if (text) {
      try {
        return { file, no: JSON.parse(text).popylar.track === false }
      } catch {
        // No "popylar" key, or not JSON: no opt-out here.
        return { file, no: false }
      }
    }
    if (path.dirname(dir) === dir) return { no: false }
  }
}

/** The first "no" that holds for every package on this machine. */
export function machineRefusal(host: ServerHost, config: ConfigRead): Refusal | undefined {
  const { env } = host
  if (envFlag(env.DO_NOT_TRACK)) return 'DO_NOT_TRACK'
  if (envFlag(env.POPYLAR_DISABLED)) return 'POPYLAR_DISABLED'
  if (!config.ok) return 'config-unreadable'
  if (config.data.track === false) return 'config'
  if (pythonPopylarFile(host).no) return 'python-popylar'
  if (projectPackageJson(host).no) return 'project'
}

/** The "no" for one package, once the machine-wide choices allow tracking. */
export function packageRefusal(
  config: ConfigRead,
  packageName: string | undefined,
  consent: Consent,
): Refusal | undefined {
  if (!config.ok) return 'config-unreadable'
  const choice = packageName ? config.data.packages?.[packageName]?.track : undefined
  if (choice === false) return 'package'
  if (consent === 'opt-in' && choice !== true && config.data.track !== true) return 'opt-in'
}
