/**
 * Time-zone conversion on top of the platform's Intl (Node 20 ships full ICU and the IANA
 * database, so no library is needed). Intl only answers "what local wall time is this instant",
 * so each zone keeps a small table of its UTC offset changes, found once per UTC year by sampling
 * and bisection; after that every conversion is arithmetic plus a lookup.
 */
import {civilFromDayNumber, DAY_MS, dayNumber, isoDate, weekdayOf} from './civil-date.js'

export interface LocalParts {
  year: number
  /** 1–12 */
  month: number
  day: number
  hour: number
  minute: number
  second: number
  millisecond: number
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
}

interface OffsetChange {
  /** First instant (epoch ms) with the new offset. */
  at: number
  offset: number
}

interface YearOffsets {
  start: number
  end: number
  offsetAtStart: number
  changes: OffsetChange[]
}

// Weekly samples find every change unless a zone changes twice within a week, which no zone
// has done since standard time zones exist.
const SAMPLE_MS = 7 * DAY_MS
const WALL = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/

class Zone {
  private readonly format: Intl.DateTimeFormat
  private readonly years = new Map<number, YearOffsets>()

  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
  }

  // The constant-offset interval of the last answer: runs of nearby queries skip the lookup.
  private hitFrom = 0
  private hitTo = 0
  private hitOffset = 0

  /** Local minus UTC in ms at instant `t`. */
  offsetAt(t: number): number {
    if (t >= this.hitFrom && t < this.hitTo) return this.hitOffset
    const year = civilFromDayNumber(Math.floor(t / DAY_MS)).year
    let table = this.years.get(year)
    if (!table) {
      table = this.scanYear(year)
      this.years.set(year, table)
    }
    let from = table.start
    let offset = table.offsetAtStart
    let to = table.end
    for (const change of table.changes) {
      if (change.at > t) {
        to = change.at
        break
      }
      from = change.at
      offset = change.offset
    }
    this.hitFrom = from
    this.hitTo = to
    this.hitOffset = offset
    return offset
  }

  /** Asks Intl directly: one formatter call. Offsets are whole seconds (true since 1972). */
  private rawOffset(t: number): number {
    const second = Math.floor(t / 1000) * 1000
    const m = WALL.exec(this.format.format(second))
    if (!m) throw new Error(`unexpected Intl output for ${this.name}`)
    const wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]))
    return wall - second
  }

  private scanYear(year: number): YearOffsets {
    const start = dayNumber(year, 1, 1) * DAY_MS
    const end = dayNumber(year + 1, 1, 1) * DAY_MS
    const offsetAtStart = this.rawOffset(start)
    const changes: OffsetChange[] = []
    let prevT = start
    let prevOffset = offsetAtStart
    while (prevT < end) {
      const t = Math.min(prevT + SAMPLE_MS, end - 1000)
      const offset = this.rawOffset(t)
      if (offset !== prevOffset) {
        changes.push({at: this.bisect(prevT, t, prevOffset), offset})
        prevOffset = offset
      }
      if (t >= end - 1000) break
      prevT = t
    }
    return {start, end, offsetAtStart, changes}
  }

  /** First whole second in (lo, hi] whose offset differs from `before`. */
  private bisect(lo: number, hi: number, before: number): number {
    // Changes fall on whole minutes in practice: narrow to the minute, then check the seconds.
    let loMin = Math.floor(lo / 60_000)
    let hiMin = Math.ceil(hi / 60_000)
    if (this.rawOffset(loMin * 60_000) !== before) return this.bisectSeconds(lo, hi, before)
    if (this.rawOffset(hiMin * 60_000) === before) return this.bisectSeconds(lo, hi, before)
    while (hiMin - loMin > 1) {
      const mid = loMin + Math.floor((hiMin - loMin) / 2)
      if (this.rawOffset(mid * 60_000) === before) loMin = mid
      else hiMin = mid
    }
    return this.bisectSeconds(loMin * 60_000, hiMin * 60_000, before)
  }

  private bisectSeconds(lo: number, hi: number, before: number): number {
    if (this.rawOffset(hi - 1000) !== before) {
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000
        if (this.rawOffset(mid) === before) lo = mid
        else hi = mid
      }
    }
    return hi
  }
}

const zones = new Map<string, Zone>()

function zone(name: string): Zone {
  let z = zones.get(name)
  if (!z) {
    z = new Zone(name)
    zones.set(name, z)
  }
  return z
}

/** Whether `name` is an IANA time zone this platform knows. */
export function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: name})
    return true
  } catch {
    return false
  }
}

/** Local minus UTC, in ms, at instant `t` (e.g. -5 h for New York in winter). */
export function utcOffset(t: number, tz: string): number {
  return zone(tz).offsetAt(t)
}

/**
 * The instant of a local wall time (month 1–12; hour 24 means the next midnight). A time that
 * does not exist (spring-forward gap) moves forward by the gap; a time that occurs twice
 * (fall-back) takes the earlier instant, as RFC 5545 and Temporal's 'compatible' do.
 */
export function localToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const wall = dayNumber(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000
  return wallToUtc(wall, tz)
}

/** As localToUtc, with the wall time as ms since 1970-01-01 00:00 local. */
export function wallToUtc(wall: number, tz: string): number {
  const z = zone(tz)
  // Offsets a day either side bracket any change near this wall time.
  const before = z.offsetAt(wall - DAY_MS)
  const after = z.offsetAt(wall + DAY_MS)
  const early = wall - before
  if (before === after) return early
  const late = wall - after
  const earlyFits = z.offsetAt(early) === before
  const lateFits = z.offsetAt(late) === after
  if (earlyFits && lateFits) return Math.min(early, late)
  if (earlyFits) return early
  if (lateFits) return late
  return early // in the gap: `before` offset lands past the change, i.e. shifted forward
}

export function utcToLocalParts(t: number, tz: string): LocalParts {
  const wall = t + utcOffset(t, tz)
  const days = Math.floor(wall / DAY_MS)
  const {year, month, day} = civilFromDayNumber(days)
  let ms = wall - days * DAY_MS
  const hour = Math.floor(ms / 3_600_000)
  ms -= hour * 3_600_000
  const minute = Math.floor(ms / 60_000)
  ms -= minute * 60_000
  const second = Math.floor(ms / 1000)
  return {year, month, day, hour, minute, second, millisecond: ms - second * 1000, weekday: weekdayOf(days)}
}

/** Day number (days since 1970-01-01) of the local date at instant `t`. */
export function localDayNumber(t: number, tz: string): number {
  return Math.floor((t + utcOffset(t, tz)) / DAY_MS)
}

/** The local date at instant `t`, as `YYYY-MM-DD`. */
export function localDateOf(t: number, tz: string): string {
  return isoDate(localDayNumber(t, tz))
}
