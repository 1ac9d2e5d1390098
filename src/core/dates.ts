/**
 * Dates and date-times as users write them in specs and flags: `YYYY-MM-DD` or ISO 8601
 * (`YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or `±HH:MM`). Calendar-checked: 2006-02-30
 * is rejected, not rolled over into March as Date.parse would.
 */
import type {CivilDateTime} from '../model/time.js'

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

export interface ParsedDate extends CivilDateTime {
  /** Minutes east of UTC when the text carried an offset, else undefined (local to some zone). */
  offsetMinutes?: number
  dateOnly: boolean
}

export function parseDateText(text: string): ParsedDate | undefined {
  const m = DATE_RE.exec(text.trim())
  if (!m) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const hour = m[4] === undefined ? 0 : Number(m[4])
  const minute = m[5] === undefined ? 0 : Number(m[5])
  const second = m[6] === undefined ? 0 : Number(m[6])
  const millisecond = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offsetMinutes: number | undefined
  if (m[8] === 'Z') offsetMinutes = 0
  else if (m[8] !== undefined) {
    const o = m[8].replace(':', '')
    offsetMinutes = (o[0] === '-' ? -1 : 1) * (Number(o.slice(1, 3)) * 60 + Number(o.slice(3, 5)))
  }
  return {year, month, day, hour, minute, second, millisecond, offsetMinutes, dateOnly: m[4] === undefined}
}

export function daysInMonth(year: number, month: number): number {
  return [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

/** A sortable key (wall-clock, ignoring offsets) to compare two parsed dates from one spec. */
export function wallClockKey(d: ParsedDate): number {
  return Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second, d.millisecond) - (d.offsetMinutes ?? 0) * 60_000
}
