// The command line, read and checked in one step: a mistake is a UsageError with one line that says
// what to write instead, before anything is asked of Google.
import { parseArgs } from 'node:util'
import { apiRootProblem } from './api-root.js'
import { parameterNameProblem } from './dimensions.js'
import type { Interval } from './periods.js'

export class UsageError extends Error {}

export const COMMANDS = ['setup', 'report', 'badge'] as const
export type Command = (typeof COMMANDS)[number]

export type Metric = 'imports' | 'users'

/** How far back a report reaches: the last N days (today included), or from a date on. */
export type Span = { days: number } | { from: string }

export interface Connection {
  /** The numeric property id, e.g. "123456789". */
  property: string
  apiRoot?: string
  keyFile?: string
  accessToken?: string
}

export interface SetupOptions extends Connection {
  params: string[]
  dryRun: boolean
}

export interface ReportOptions extends Connection {
  packageName?: string
  event: string
  span: Span
  interval: Interval
  json: boolean
  html?: string
}

export interface BadgeOptions extends Connection {
  packageName?: string
  event: string
  metric: Metric
  label?: string
}

export type Invocation =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'setup'; options: SetupOptions }
  | { command: 'report'; options: ReportOptions }
  | { command: 'badge'; options: BadgeOptions }

const OPTIONS = {
  property: { type: 'string' },
  param: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  package: { type: 'string' },
  event: { type: 'string' },
  since: { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  metric: { type: 'string' },
  label: { type: 'string' },
  'key-file': { type: 'string' },
  'access-token': { type: 'string' },
  'api-root': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

type OptionName = keyof typeof OPTIONS

/** The options each command takes, besides the connection's. */
const COMMAND_OPTIONS: Record<Command, readonly OptionName[]> = {
  setup: ['param', 'dry-run'],
  report: ['package', 'event', 'since', 'by', 'json', 'html'],
  badge: ['package', 'event', 'metric', 'label'],
}
const CONNECTION_OPTIONS: readonly OptionName[] = [
  'property',
  'key-file',
  'access-token',
  'api-root',
  'help',
  'version',
]

const PROPERTY_ID = /^(?:properties\/)?(\d{1,20})$/
const MEASUREMENT_ID = /^G-[A-Z0-9]+$/i
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/
const DAYS = /^(\d{1,4})d$/
const WEEKS = /^(\d{1,3})w$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
/** The Data API has no data from before GA4's start. */
const FIRST_DATE = '2015-08-14'
/** Past this many days, one point a day is too many for a terminal line: a week a point. */
const DAILY_UP_TO_DAYS = 31

export const DEFAULT_EVENT = 'import'

function propertyId(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--property is required: the numeric id of your GA4 property')
  const match = PROPERTY_ID.exec(value.trim())
  if (match) return match[1]!
  if (MEASUREMENT_ID.test(value.trim()))
    throw new UsageError(
      `--property takes the property id (a number, in GA4 under Admin > Property details), not the measurement id ${value.trim()}`,
    )
  throw new UsageError(`--property "${value}" is not a GA4 property id: a number, e.g. 123456789`)
}

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
}

export function parseSpan(value: string, today: string): Span {
  const days = DAYS.exec(value)
  const weeks = WEEKS.exec(value)
  const count = days ? Number(days[1]) : weeks ? Number(weeks[1]) * 7 : undefined
  if (count !== undefined) {
    if (count < 1) throw new UsageError(`--since ${value}: give at least one day`)
    return { days: count }
  }
  if (DATE.test(value) && isRealDate(value)) {
    if (value > today) throw new UsageError(`--since ${value} is in the future`)
    if (value < FIRST_DATE) throw new UsageError(`--since ${value}: GA4 has no data from before ${FIRST_DATE}`)
    return { from: value }
  }
  throw new UsageError(`--since "${value}" is not a span: write 28d, 12w or a date such as 2025-01-31`)
}

/** Days from the span's first day to today, both included. */
export function spanDays(span: Span, today: string): number {
  if ('days' in span) return span.days
  return Math.round((Date.parse(today) - Date.parse(span.from)) / 86_400_000) + 1
}

function eventName(value: string | undefined): string {
  if (value === undefined) return DEFAULT_EVENT
  if (!EVENT_NAME.test(value))
    throw new UsageError(`--event "${value}" is not a GA4 event name: letters, digits and "_", starting with a letter`)
  return value
}

function packageName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (value.trim() === '') throw new UsageError('--package is empty: give the name in your package.json')
  return value
}

function connection(values: Record<string, unknown>, env: NodeJS.ProcessEnv): Connection {
  const apiRoot = (values['api-root'] as string | undefined) ?? (env.POPYLAR_GA_API_ROOT || undefined)
  if (apiRoot !== undefined) {
    const problem = apiRootProblem(apiRoot)
    if (problem) throw new UsageError(`--api-root ${problem}`)
  }
  const keyFile = values['key-file'] as string | undefined
  const accessToken = (values['access-token'] as string | undefined) ?? (env.POPYLAR_GA_ACCESS_TOKEN || undefined)
  if (keyFile !== undefined && values['access-token'] !== undefined)
    throw new UsageError('--key-file and --access-token are two ways to sign in: give one')
  if (accessToken !== undefined && accessToken.trim() === '') throw new UsageError('the access token is empty')
  return {
    property: propertyId(values.property as string | undefined),
    ...(apiRoot === undefined ? {} : { apiRoot }),
    ...(keyFile === undefined ? {} : { keyFile }),
    ...(accessToken === undefined || keyFile !== undefined ? {} : { accessToken: accessToken.trim() }),
  }
}

function rejectForeignOptions(command: Command, values: Record<string, unknown>): void {
  const allowed = new Set<string>([...CONNECTION_OPTIONS, ...COMMAND_OPTIONS[command]])
  const foreign = Object.keys(values).find((name) => !allowed.has(name))
  if (foreign) throw new UsageError(`--${foreign} does not go with ${command}`)
}

function setupOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): SetupOptions {
  const params = (values.param as string[] | undefined) ?? []
  for (const name of params) {
    const problem = parameterNameProblem(name)
    if (problem) throw new UsageError(`--param ${problem}`)
  }
  return { ...connection(values, env), params: [...new Set(params)], dryRun: values['dry-run'] === true }
}

function reportOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv, today: string): ReportOptions {
  const span = parseSpan((values.since as string | undefined) ?? '28d', today)
  const by = values.by as string | undefined
  if (by !== undefined && by !== 'day' && by !== 'week')
    throw new UsageError(`--by "${by}": write --by day or --by week`)
  const interval: Interval = (by as Interval | undefined) ?? (spanDays(span, today) > DAILY_UP_TO_DAYS ? 'week' : 'day')
  const html = values.html as string | undefined
  if (html !== undefined && html.trim() === '') throw new UsageError('--html needs the name of the page to write')
  const name = packageName(values.package as string | undefined)
  return {
    ...connection(values, env),
    ...(name === undefined ? {} : { packageName: name }),
    event: eventName(values.event as string | undefined),
    span,
    interval,
    json: values.json === true,
    ...(html === undefined ? {} : { html }),
  }
}

function badgeOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): BadgeOptions {
  const metric = (values.metric as string | undefined) ?? 'imports'
  if (metric !== 'imports' && metric !== 'users')
    throw new UsageError(`--metric "${metric}": write --metric imports or --metric users`)
  const label = values.label as string | undefined
  const name = packageName(values.package as string | undefined)
  return {
    ...connection(values, env),
    ...(name === undefined ? {} : { packageName: name }),
    event: eventName(values.event as string | undefined),
    metric,
    ...(label === undefined ? {} : { label }),
  }
}

/** `today` (YYYY-MM-DD) only checks --since; the report's own dates come from the property's time zone. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv, today: string): Invocation {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) return { command: 'help' }
  if (values.version) return { command: 'version' }
  const [command, extra] = positionals
  if (command === undefined) throw new UsageError('no command given')
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command "${command}"`)
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`)
  rejectForeignOptions(command as Command, values)
  switch (command as Command) {
    case 'setup':
      return { command: 'setup', options: setupOptions(values, env) }
    case 'report':
      return { command: 'report', options: reportOptions(values, env, today) }
    case 'badge':
      return { command: 'badge', options: badgeOptions(values, env) }
  }
}
