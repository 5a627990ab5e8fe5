// The plugin's options: typed once, validated and resolved once, at build time.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  eventNameProblem,
  MAX_VALUE_LENGTH,
  MEASUREMENT_ID,
  paramsProblem,
  TRACKER_PARAMS,
  clip,
} from '../runtime/tracker/ga4-rules.js'
import type { Consent, InjectedConfig } from '../runtime/tracker/types.js'

export interface PopylarOptions {
  /** GA4 Measurement Protocol secret: send to /mp/collect (JSON). Without it, the gtag protocol is used. */
  apiSecret?: string
  /** Collector URL: the EU region, a proxy, or a local collector. Must be https, except on loopback. */
  endpoint?: string
  /** The event's name (GA4 rules). Default: 'import'. */
  event?: string
  /** Extra static event parameters. */
  params?: Record<string, string | number>
  /** Reported package name. Default: from the library's nearest package.json. */
  packageName?: string
  /** Reported package version. Default: from the library's nearest package.json. */
  packageVersion?: string
  /** 'opt-out': track unless the user said no; 'opt-in': only after `popylar opt-in`. Default: 'opt-out'. */
  consent?: Consent
  /** Report runs in CI (flagged with ci=true); false drops them. Default: true. */
  ci?: boolean
  /** Print a one-line notice to stderr, once per machine, on a terminal. Default: true. */
  notice?: boolean
}

const KNOWN_OPTIONS = [
  'apiSecret',
  'endpoint',
  'event',
  'params',
  'packageName',
  'packageVersion',
  'consent',
  'ci',
  'notice',
] as const

export class PopylarOptionError extends Error {
  override name = 'PopylarOptionError'
  /** Each bundler's entry file carries its own copy of this class: instanceof holds across them. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === 'PopylarOptionError'
  }
}

function fail(message: string): never {
  throw new PopylarOptionError(`[popylar] ${message}`)
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      )
      previous = current
    }
  }
  return row[b.length]!
}

function nearestOption(name: string): string {
  return [...KNOWN_OPTIONS].sort((x, y) => editDistance(name, x) - editDistance(name, y))[0]!
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)
}

function checkMeasurementId(id: unknown): string {
  if (typeof id === 'string' && /^UA-/i.test(id)) {
    fail(
      `measurement id ${show(id)} is a Universal Analytics id. Google stopped processing Universal Analytics hits on 1 July 2023. ` +
        'Create a GA4 property (Google Analytics > Admin > Create > Property), add a Web data stream, and pass its measurement id, which looks like "G-XXXXXXXXXX": popylar(\'G-XXXXXXXXXX\').',
    )
  }
  if (typeof id !== 'string' || !MEASUREMENT_ID.test(id)) {
    fail(
      `measurement id ${show(id)} is not a GA4 measurement id. Pass the id of your GA4 web data stream, like popylar('G-XXXXXXXXXX') (Google Analytics > Admin > Data streams).`,
    )
  }
  return id
}

function checkEndpoint(endpoint: unknown): string | undefined {
  if (endpoint === undefined) return undefined
  let url: URL
  try {
    url = new URL(String(endpoint))
  } catch {
    return fail(
      `option "endpoint": ${show(endpoint)} is not a URL. Use a full URL such as "https://region1.google-analytics.com".`,
    )
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname)))
    return url.href.replace(/\/$/, '')
  return fail(
    `option "endpoint": ${show(endpoint)} must use https (plain http is allowed only on loopback, such as http://127.0.0.1:8080). Use "https://${url.host}${url.pathname === '/' ? '' : url.pathname}".`,
  )
}

function checkString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !value.trim()) fail(`option "${name}": ${show(value)} must be a non-empty string.`)
  return value
}

function checkBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(`option "${name}": ${show(value)} must be true or false.`)
  return value
}

/** The way out of the first param that breaks a rule: the rules alone do not show the value or what to write instead. */
function paramsFix(params: unknown): string {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return ` Write params: { channel: 'beta' }.`
  for (const [name, value] of Object.entries(params)) {
    if (!paramsProblem({ [name]: value }, TRACKER_PARAMS)) continue
    if (name === 'package_name' || name === 'package_version')
      return ` Use the option ${name === 'package_name' ? 'packageName' : 'packageVersion'} instead.`
    if (TRACKER_PARAMS.includes(name)) return ` Remove it: the tracker reports it.`
    if (typeof value === 'string' && value.length > MAX_VALUE_LENGTH)
      return ` Its value has ${value.length} characters: shorten it.`
    if (typeof value !== 'string') {
      let shown: string | undefined
      try {
        if (typeof value !== 'number') shown = JSON.stringify(value)
      } catch {}
      return ` Got ${shown ?? String(value)}: pass a string or a number instead.`
    }
    return ''
  }
  return ''
}

/** Validates what the author wrote; package.json is read later, once the build's root is known. */
export function checkOptions(
  measurementId: unknown,
  options: unknown = {},
): { measurementId: string; options: PopylarOptions } {
  const id = checkMeasurementId(measurementId)
  if (!options || typeof options !== 'object' || Array.isArray(options))
    fail(
      `the second argument must be an options object, such as popylar('${id}', { event: 'import' }); got ${show(options)}.`,
    )
  const given = options as Record<string, unknown>
  for (const name of Object.keys(given)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(name))
      fail(
        `unknown option "${name}". Did you mean "${nearestOption(name)}"? Known options: ${KNOWN_OPTIONS.join(', ')}.`,
      )
  }
  const event = given.event ?? 'import'
  const eventProblem = eventNameProblem(event)
  if (eventProblem) fail(`option "event": ${eventProblem}. Use a name like "import" or "library_loaded".`)
  const problem = paramsProblem(given.params, TRACKER_PARAMS)
  if (problem) fail(`option "params": ${problem}.${paramsFix(given.params)}`)
  if (given.consent !== undefined && given.consent !== 'opt-out' && given.consent !== 'opt-in')
    fail(`option "consent": ${show(given.consent)} must be 'opt-out' or 'opt-in'.`)
  return {
    measurementId: id,
    options: {
      apiSecret: checkString('apiSecret', given.apiSecret),
      endpoint: checkEndpoint(given.endpoint),
      event: event as string,
      params: { ...(given.params as Record<string, string | number> | undefined) },
      packageName: checkString('packageName', given.packageName),
      packageVersion: checkString('packageVersion', given.packageVersion),
      consent: (given.consent as Consent | undefined) ?? 'opt-out',
      ci: checkBoolean('ci', given.ci, true),
      notice: checkBoolean('notice', given.notice, true),
    },
  }
}

/** The nearest package.json at or above dir. */
export function nearestPackageJson(dir: string): { file: string; name?: unknown; version?: unknown } | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json')
    let text: string | undefined
    try {
      text = readFileSync(file, 'utf8')
    } catch {}
    if (text !== undefined) {
      try {
        const { name, version } = JSON.parse(text)
        return { file, name, version }
      } catch {
        fail(
          `${file} is not valid JSON, so the package name and version cannot be read. Fix it, or pass packageName and packageVersion.`,
        )
      }
    }
    if (dirname(current) === current) return undefined
  }
}

/** The constants compiled into the library. */
export function resolveConfig(measurementId: string, options: PopylarOptions, root: string): InjectedConfig {
  let { packageName, packageVersion } = options
  if (!packageName || !packageVersion) {
    const found = nearestPackageJson(root)
    if (!found)
      fail(
        `no package.json found at or above ${root}. Run the build in your library's folder, or pass packageName and packageVersion.`,
      )
    packageName ??=
      typeof found.name === 'string' && found.name
        ? found.name
        : fail(`${found.file} has no "name". Add one, or pass packageName.`)
    packageVersion ??=
      typeof found.version === 'string' && found.version
        ? found.version
        : fail(`${found.file} has no "version". Add one, or pass packageVersion.`)
  }
  return {
    measurementId,
    apiSecret: options.apiSecret,
    endpoint: options.endpoint,
    event: {
      name: options.event ?? 'import',
      params: { ...options.params, package_name: clip(packageName), package_version: clip(packageVersion) },
    },
    packageName,
    consent: options.consent ?? 'opt-out',
    ci: options.ci ?? true,
    notice: options.notice ?? true,
  }
}
