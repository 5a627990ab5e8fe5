// Made-up but plausible usage of two libraries over the last weeks, as the tracker would have sent it:
// releases that people adopt over days, weekday peaks, runtimes, systems, CI machines (each run a new
// client id, as a fresh CI machine has no config file) and countries. Seeded: the same every run, for a
// given "today", so tests can count on it and the README's picture can be made again.
import type { StoredEvent } from './report-engine.js'

export const SAMPLE_PACKAGE = 'tiny-parse'
export const SAMPLE_CLI_PACKAGE = 'tiny-parse-cli'

/** mulberry32: small, fast, and good enough to make up numbers. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Weighted<T> = ReadonlyArray<readonly [T, number]>

function pick<T>(random: () => number, weighted: Weighted<T>): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0)
  let at = random() * total
  for (const [value, weight] of weighted) {
    at -= weight
    if (at < 0) return value
  }
  return weighted[weighted.length - 1]![0]
}

const RUNTIMES: Weighted<readonly [string, string]> = [
  [['node', '22.12.0'], 38],
  [['node', '20.18.1'], 27],
  [['node', '24.1.0'], 10],
  [['node', '18.20.5'], 8],
  [['bun', '1.2.4'], 8],
  [['deno', '2.1.9'], 5],
  [['browser', '131'], 4],
]

const SYSTEMS: Weighted<readonly [string, string]> = [
  [['linux', 'x64'], 50],
  [['darwin', 'arm64'], 27],
  [['win32', 'x64'], 15],
  [['linux', 'arm64'], 5],
  [['darwin', 'x64'], 3],
]

const COUNTRIES: Weighted<string> = [
  ['United States', 30],
  ['Germany', 11],
  ['India', 10],
  ['United Kingdom', 7],
  ['France', 6],
  ['Brazil', 5],
  ['Japan', 5],
  ['Canada', 4],
  ['China', 4],
  ['Netherlands', 3],
  ['Poland', 3],
  ['Spain', 2],
  ['Australia', 2],
  ['Sweden', 2],
  ['South Korea', 2],
]

/** Releases, days before "today", and how many days half of the users take to move to them. */
const RELEASES = [
  { version: '1.4.2', daysAgo: 120, halfLifeDays: 1 },
  { version: '1.5.0', daysAgo: 52, halfLifeDays: 9 },
  { version: '1.5.1', daysAgo: 38, halfLifeDays: 6 },
  { version: '1.6.0', daysAgo: 21, halfLifeDays: 8 },
  { version: '2.0.0', daysAgo: 8, halfLifeDays: 10 },
]

/** Each version's share of the day's imports: every release takes over from the ones before it. */
function versionShares(daysAgo: number): Array<readonly [string, number]> {
  const released = RELEASES.filter((release) => release.daysAgo >= daysAgo)
  let remaining = 1
  const shares: Array<readonly [string, number]> = []
  for (let i = released.length - 1; i >= 0; i--) {
    const release = released[i]!
    const age = release.daysAgo - daysAgo
    const share = i === 0 ? remaining : remaining * (1 - 0.5 ** (age / release.halfLifeDays)) * 0.92
    shares.push([release.version, share])
    remaining -= share
  }
  return shares
}

interface Person {
  clientId: string
  runtime: readonly [string, string]
  system: readonly [string, string]
  country: string
}

function person(random: () => number, index: number): Person {
  return {
    clientId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    runtime: pick(random, RUNTIMES),
    system: pick(random, SYSTEMS),
    country: pick(random, COUNTRIES),
  }
}

export interface SampleOptions {
  /** The last day with events; default: now. */
  now?: Date
  days?: number
  seed?: number
}

/** About 60 days of imports of two packages, ending at `now`. */
export function sampleUsage(options: SampleOptions = {}): StoredEvent[] {
  const random = seededRandom(options.seed ?? 20_250_601)
  const now = options.now ?? new Date()
  const days = options.days ?? 60
  const people = Array.from({ length: 900 }, (_, i) => person(random, i))
  let ciRuns = 0
  const events: StoredEvent[] = []
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())
  for (let daysAgo = days - 1; daysAgo >= 0; daysAgo--) {
    const start = dayStart - daysAgo * 86_400_000
    const weekday = new Date(start).getUTCDay()
    const weekend = weekday === 0 || weekday === 6
    const growth = 1 + (days - daysAgo) / days
    // Today is not over: only the hours so far.
    const partOfDay = daysAgo === 0 ? Math.max(0.05, (now.getTime() - start) / 86_400_000) : 1
    const activePeople = Math.round((weekend ? 55 : 150) * growth * partOfDay * (0.85 + random() * 0.3))
    const shares = versionShares(daysAgo)
    const send = (who: Person, ci: boolean, packageName: string) => {
      events.push({
        time: start + Math.floor(random() * 86_400_000 * partOfDay),
        name: 'import',
        clientId: who.clientId,
        country: who.country,
        params: {
          package_name: packageName,
          package_version: pick(random, shares),
          runtime: who.runtime[0],
          runtime_version: who.runtime[1],
          os: who.system[0],
          arch: who.system[1],
          ci: String(ci),
          session_id: Math.floor(start / 1000),
          engagement_time_msec: 1,
        },
      })
    }
    for (let i = 0; i < activePeople; i++) {
      const who = people[Math.floor(random() * people.length)]!
      const imports = 1 + Math.floor(random() * 6)
      for (let n = 0; n < imports; n++) send(who, false, random() < 0.85 ? SAMPLE_PACKAGE : SAMPLE_CLI_PACKAGE)
      // Some of them push, and CI runs the tests on a fresh machine: a new client id every time.
      if (random() < 0.35) {
        const machine = { ...person(random, 1_000_000 + ciRuns++), system: ['linux', 'x64'] as const }
        send({ ...machine, country: 'United States' }, true, SAMPLE_PACKAGE)
      }
    }
  }
  return events.sort((a, b) => a.time - b.time)
}
