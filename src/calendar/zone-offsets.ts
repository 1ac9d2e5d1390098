/**
 * UTC offsets of one IANA zone, from the platform's Intl (Node 20 ships full ICU and the tz
 * database, so no library is needed). Intl only answers "what is the local wall time at this
 * instant", so each zone keeps a table of its offset changes, found once per UTC year by weekly
 * sampling and bisection (~80 Intl calls a year); after that an offset is a lookup.
 */
import {civilFromDayNumber, dayNumber} from './civil-date.js'
import {DAY_MS} from '../model/time.js'

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

export class Zone {
  /** Made on the first offset asked of Intl: building one costs ~20 ms (ICU's zone data), once per process. */
  private format: Intl.DateTimeFormat | undefined
  private readonly years = new Map<number, YearOffsets>()

  // The constant-offset interval of the last answer: runs of nearby queries skip the lookup.
  private hitFrom = 0
  private hitTo = 0
  private hitOffset = 0

  constructor(readonly name: string) {
    // UTC (every 24/7 market) has one offset for all time: Intl is never asked.
    if (name === 'UTC') {
      this.hitFrom = -Infinity
      this.hitTo = Infinity
    }
  }

  /** Local minus UTC in ms at instant `t`. */
  offsetAt(t: number): number {
    if (t >= this.hitFrom && t < this.hitTo) return this.hitOffset
    const table = this.yearOf(civilFromDayNumber(Math.floor(t / DAY_MS)).year)
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

  /** The changes of offset in (from, to], each with its first instant and new offset, from the year tables. */
  changesBetween(from: number, to: number): OffsetChange[] {
    if (this.name === 'UTC' || !(to > from)) return []
    const out: OffsetChange[] = []
    let offset = this.offsetAt(from)
    const last = civilFromDayNumber(Math.floor(to / DAY_MS)).year
    for (let year = civilFromDayNumber(Math.floor(from / DAY_MS)).year; year <= last; year++) {
      const table = this.yearOf(year)
      // A change at the very start of a year is its table's starting offset, not one of its changes.
      for (const c of [{at: table.start, offset: table.offsetAtStart}, ...table.changes]) {
        if (c.offset === offset || c.at <= from || c.at > to) continue
        out.push(c)
        offset = c.offset
      }
    }
    return out
  }

  private yearOf(year: number): YearOffsets {
    let table = this.years.get(year)
    if (!table) {
      table = this.scanYear(year)
      this.years.set(year, table)
    }
    return table
  }

  /** Asks Intl directly: one formatter call. Offsets are whole seconds (true since 1972). */
  private rawOffset(t: number): number {
    const second = Math.floor(t / 1000) * 1000
    this.format ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
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

/** The shared Zone of `name`; formatters and offset tables are built once per process. */
export function zone(name: string): Zone {
  let z = zones.get(name)
  if (!z) {
    z = new Zone(name)
    zones.set(name, z)
  }
  return z
}
