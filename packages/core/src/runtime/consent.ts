// Every way the person running the program can say no. Any "no" wins; an unreadable choice is a "no".
import type { ConfigRead } from './config-file.js'
import type { ServerHost } from './host.js'
import type { Consent } from './types.js'

/** Set to anything but empty, 0 or false. */
export function envFlag(value: string | undefined): boolean {
  return !!value && !/^(0|false)$/i.test(value.trim())
}

const ciVariables = ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'GITHUB_ACTIONS', 'GITLAB_CI', 'TF_BUILD', 'BUILDKITE', 'CIRCLECI', 'TRAVIS', 'JENKINS_URL', 'TEAMCITY_VERSION', 'CODEBUILD_BUILD_ID', 'BITBUCKET_BUILD_NUMBER']

export function isCI(env: Record<string, string | undefined>): boolean {
  return ciVariables.some((name) => envFlag(env[name]))
}

/** The Python popylar's ~/.popylar: an INI file with "track = False", or the old "DO_NOT_TRACK" marker. */
export function pythonPopylarSaysNo(host: ServerHost): { no: boolean; file: string } {
  const file = host.path.join(host.os.homedir(), '.popylar')
  try {
    const text = host.fs.readFileSync(file, 'utf8')
    return { no: /^\s*DO_NOT_TRACK\s*$|^\s*track\s*[=:]\s*(false|no|off|0)\s*$/im.test(text), file }
  } catch {
    return { no: false, file }
  }
}

/** The nearest package.json above the working directory, and whether it says "popylar": {"track": false}. */
export function projectSaysNo(host: ServerHost): { no: boolean; file?: string } {
  const { fs, path } = host
  let dir = host.process.cwd()
  for (;;) {
    const file = path.join(dir, 'package.json')
    let text: string | undefined
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {}
    if (text !== undefined) {
      try {
        const popylar = JSON.parse(text).popylar
        return { no: !!popylar && popylar.track === false, file }
      } catch {
        return { no: false, file }
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) return { no: false }
    dir = parent
  }
}

/** Choices that hold for every package on this machine; the first "no" found, or ''. */
export function machineRefusal(host: ServerHost, config: ConfigRead): string {
  const { env } = host
  if (envFlag(env.DO_NOT_TRACK)) return 'DO_NOT_TRACK is set'
  if (envFlag(env.POPYLAR_DISABLED)) return 'POPYLAR_DISABLED is set'
  if (!config.ok) return config.problem
  if (config.data.track === false) return 'opted out in the config file'
  if (pythonPopylarSaysNo(host).no) return 'opted out in ~/.popylar'
  if (projectSaysNo(host).no) return 'opted out in the project package.json'
  return ''
}

/** Choices for one package, once the machine-wide ones allow tracking; the "no", or ''. */
export function packageRefusal(config: ConfigRead, packageName: string | undefined, consent: Consent): string {
  if (!config.ok) return config.problem
  const choice = packageName ? config.data.packages?.[packageName]?.track : undefined
  if (choice === false) return `opted out of ${packageName}`
  if (consent === 'opt-in' && choice !== true && config.data.track !== true) return `${packageName ?? 'this event'} waits for "popylar opt-in"`
  return ''
}
