/**
 * Time-zone conversion for the edges of the engine (epoch ms inside, wall times outside). Offsets
 * come from zone-offsets.ts (Intl-backed, cached per zone), so conversions cost a lookup.
 */
import {DAY_MS, type CivilDateTime} from '../model/time.js'
import {civilFromDayNumber, dayNumber, isoDate, weekdayOf} from './civil-date.js'
import {zone} from './zone-offsets.js'

export interface LocalParts extends CivilDateTime {
  /** 0 = Sunday … 6 = Saturday */
  weekday: number
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

/** Each change of `tz`'s offset in (from, to]: its first instant and the new offset. */
export function offsetChanges(tz: string, from: number, to: number): Array<{at: number; offset: number}> {
  return zone(tz).changesBetween(from, to)
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
