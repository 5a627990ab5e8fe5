// Calendar arithmetic on YYYY-MM-DD strings (no time zone: a date is a date), days and ISO weeks as the
// Data API's `date` (YYYYMMDD) and `isoYearIsoWeek` (YYYYWW) dimensions name them.

const DAY_MS = 86_400_000

function toTime(date: string): number {
  return Date.parse(`${date}T00:00:00Z`)
}

function fromTime(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

export function addDays(date: string, days: number): string {
  return fromTime(toTime(date) + days * DAY_MS)
}

/** Today's date where the property keeps its days; UTC for a zone this runtime does not know. */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone || 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .format(now)
      .slice(0, 10)
  } catch {
    return now.toISOString().slice(0, 10)
  }
}

/** The Monday that starts the ISO week of a date. */
export function mondayOf(date: string): string {
  const weekday = (new Date(toTime(date)).getUTCDay() + 6) % 7
  return addDays(date, -weekday)
}

/** The ISO week of a date as the Data API writes it: YYYYWW, the year being the one of the week's Thursday. */
export function isoYearIsoWeek(date: string): string {
  const thursday = addDays(mondayOf(date), 3)
  const year = thursday.slice(0, 4)
  const week = Math.floor((toTime(thursday) - toTime(`${year}-01-01`)) / (7 * DAY_MS)) + 1
  return `${year}${String(week).padStart(2, '0')}`
}

/** The Monday of an ISO week given as YYYYWW. */
export function mondayOfIsoWeek(value: string): string {
  const year = value.slice(0, 4)
  const week = Number(value.slice(4))
  // January 4th is always in week 1.
  return addDays(mondayOf(`${year}-01-04`), (week - 1) * 7)
}

export type Interval = 'day' | 'week'

/** The first day of each period from start to end, both included. */
export function periods(start: string, end: string, interval: Interval): string[] {
  const first = interval === 'week' ? mondayOf(start) : start
  const step = interval === 'week' ? 7 : 1
  const list: string[] = []
  for (let date = first; date <= end; date = addDays(date, step)) list.push(date)
  return list
}

/** The Data API dimension that names a period. */
export function periodDimension(interval: Interval): string {
  return interval === 'week' ? 'isoYearIsoWeek' : 'date'
}

/** A period dimension's value as the first day of its period. */
export function periodStart(interval: Interval, value: string): string {
  if (interval === 'week') return mondayOfIsoWeek(value)
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`
}
