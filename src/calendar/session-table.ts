import type {Session} from './calendar.js'
import {DAY_MS} from '../model/time.js'
import {wallToUtc} from './timezone.js'

/** Local hours of one trading day, in minutes after local midnight (close may be 1440). */
export interface DayHours {
  open: number
  close: number
}

/** Sessions of a calendar's whole coverage, as local days and minutes (no time zone yet). */
export interface LocalSchedule {
  days: Int32Array
  openMinutes: Int16Array
  closeMinutes: Int16Array
}

/** Walks every local day of [firstDay, lastDay] and keeps the trading ones. Integer work only. */
export function buildSchedule(firstDay: number, lastDay: number, hoursOf: (day: number) => DayHours | undefined): LocalSchedule {
  const size = Math.max(0, lastDay - firstDay + 1)
  const days = new Int32Array(size)
  const openMinutes = new Int16Array(size)
  const closeMinutes = new Int16Array(size)
  let n = 0
  for (let d = firstDay; d <= lastDay; d++) {
    const h = hoursOf(d)
    if (!h) continue
    days[n] = d
    openMinutes[n] = h.open
    closeMinutes[n] = h.close
    n++
  }
  return {days: days.slice(0, n), openMinutes: openMinutes.slice(0, n), closeMinutes: closeMinutes.slice(0, n)}
}

// Sessions get their UTC instants in blocks, on first use: a run touching 2 years of a calendar
// that covers a century converts only those 2 years, and only those years' offsets are looked up.
const BLOCK_BITS = 8
const BLOCK = 1 << BLOCK_BITS

/**
 * The precomputed, ascending session table behind every exchange and custom calendar. Lookups
 * binary-search the local day numbers: a UTC day d can only overlap sessions whose local day is
 * within d ± 1, since no zone is more than 14 h from UTC and no session is longer than a day.
 */
export class SessionTable {
  readonly length: number
  private readonly opens: Float64Array
  private readonly closes: Float64Array
  private readonly objects: Session[]
  private readonly ready: Uint8Array

  constructor(
    readonly timezone: string,
    private readonly schedule: LocalSchedule,
  ) {
    this.length = schedule.days.length
    this.opens = new Float64Array(this.length)
    this.closes = new Float64Array(this.length)
    this.objects = new Array<Session>(this.length)
    this.ready = new Uint8Array((this.length >> BLOCK_BITS) + 1)
  }

  /** Local day number of session `i`. */
  day(i: number): number {
    return this.schedule.days[i]
  }

  session(i: number): Session {
    this.materialize(i)
    return this.objects[i]
  }

  /** Index of the first session with close > t (this.length when none). */
  firstClosingAfter(t: number): number {
    const utcDay = Math.floor(t / DAY_MS)
    let i = lowerBound(this.schedule.days, utcDay - 1)
    while (i < this.length) {
      this.materialize(i)
      if (this.closes[i] > t) return i
      i++
    }
    return i
  }

  /** Index range [start, end) of the sessions overlapping [from, to). */
  range(from: number, to: number): [number, number] {
    if (to <= from) return [0, 0]
    const start = this.firstClosingAfter(from)
    let end = start
    while (end < this.length) {
      this.materialize(end)
      if (this.opens[end] >= to) break
      end++
    }
    return [start, end]
  }

  slice(start: number, end: number): Session[] {
    return this.objects.slice(start, end)
  }

  private materialize(i: number): void {
    const block = i >> BLOCK_BITS
    if (this.ready[block]) return
    const {days, openMinutes, closeMinutes} = this.schedule
    const end = Math.min(this.length, (block + 1) * BLOCK)
    for (let k = block * BLOCK; k < end; k++) {
      const midnight = days[k] * DAY_MS
      const open = wallToUtc(midnight + openMinutes[k] * 60_000, this.timezone)
      const close = wallToUtc(midnight + closeMinutes[k] * 60_000, this.timezone)
      this.opens[k] = open
      this.closes[k] = close
      this.objects[k] = Object.freeze({open, close})
    }
    this.ready[block] = 1
  }
}

/** First index whose value is >= x. */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
