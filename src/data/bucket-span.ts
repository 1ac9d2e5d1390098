/**
 * How many source bars one bucket of `bots data resample` can hold, which is what its `partial`
 * count is measured against. A bucket's span is its real length on the market's clock: a New York
 * day lasts 23 hours when DST starts and 25 when it ends, and the 4H bucket across the change 3 or
 * 5 hours. Of that span only the market's session time counts (an NYSE day holds 390 minutes, 210
 * on an early-close day; a weekend none); a market that never closes counts all of it.
 */
import type {MarketCalendar} from '../calendar/calendar.js'
import {parseIsoDate} from '../calendar/civil-date.js'
import {localDayNumber, offsetChanges, utcOffset, wallToUtc} from '../calendar/timezone.js'
import {intradayEnd} from '../calendar/local-buckets.js'
import {BotsError} from '../core/errors.js'
import {DAY_MS} from '../model/time.js'

/** Day number of Monday 1970-01-05, where weeks and n-day buckets start (as in resample.ts). */
const MONDAY = 4

/**
 * Where the bucket of `ms` starting at `start` ends (the next one's start), in zone `tz`.
 * - A day or longer: the local midnight `ms` after the bucket's first date, converted as the
 *   bucket starts are (`wallToUtc`: a repeated midnight the earlier instant, a skipped one later).
 * - Shorter: `intradayEnd` (calendar/local-buckets.ts), where HigherBars and the SQL of
 *   resample.ts cut too.
 */
export function bucketEnd(start: number, ms: number, tz: string): number {
  if (ms >= DAY_MS) return wallToUtc((localDayNumber(start, tz) + ms / DAY_MS) * DAY_MS, tz)
  return intradayEnd(start, ms, tz)
}

/** A bucket's real span, [start, end) in epoch ms. */
export interface BucketSpan {
  start: number
  end: number
}

/**
 * Source bars of `sourceMs` that the bucket [start, end) can hold in `calendar`'s sessions
 * (undefined: a market that never closes).
 * - Sources shorter than a day: per stretch of market time inside the bucket (sessions that touch
 *   are one stretch), its length in source bars, a bar begun before its end counting whole (an
 *   hourly bar at 17:00 of a market closing 17:30; NYSE hourly bars at 09:30 or at 09:00).
 * - Daily and longer sources: the source periods (days, or n-day periods from Monday 1970-01-05)
 *   of the bucket's local dates in `tz` that hold a trading day.
 * A bucket outside the calendar's years is measured as if the market never closed.
 */
export function bucketCapacity(span: BucketSpan, sourceMs: number, tz: string, calendar: MarketCalendar | undefined): number {
  const {start, end} = span
  if (sourceMs >= DAY_MS) {
    const first = localDayNumber(start, tz)
    const days = Math.round((end - start) / DAY_MS) // the bucket's dates: a DST hour never makes a day
    const step = sourceMs / DAY_MS
    const trading = calendar && covered(() => calendar.tradingDays(start, end))
    if (!trading) return Math.ceil(days / step)
    const periods = new Set<number>()
    for (const date of trading) {
      const d = parseIsoDate(date) as number
      if (d >= first && d < first + days) periods.add(Math.floor((d - MONDAY) / step))
    }
    return periods.size
  }
  if (!calendar) return Math.ceil((end - start) / sourceMs)
  const sessions = covered(() => calendar.sessions(start, end))
  if (!sessions) return Math.ceil((end - start) / sourceMs)
  let bars = 0
  for (let i = 0; i < sessions.length; ) {
    const from = Math.max(start, sessions[i].open)
    let to = sessions[i].close
    while (++i < sessions.length && sessions[i].open <= to) to = Math.max(to, sessions[i].close)
    if (Math.min(to, end) > from) bars += Math.ceil((Math.min(to, end) - from) / sourceMs)
  }
  return bars
}

/** An offset of `tz` and the instant it starts. */
export interface OffsetFrom {
  at: number
  offset: number
}

/** The offsets of `tz` over [from, to]: the one at `from` (`at` = -Infinity), then each change up to `to`. */
export function offsetsOver(tz: string, from: number, to: number): OffsetFrom[] {
  return [{at: -Infinity, offset: utcOffset(from, tz)}, ...offsetChanges(tz, from, to)]
}

/** `f()`, or undefined when it reaches outside the calendar's years. */
export function covered<T>(f: () => T): T | undefined {
  try {
    return f()
  } catch (e) {
    if (e instanceof BotsError && e.diagnostic.code === 'calendar.range') return undefined
    throw e
  }
}
