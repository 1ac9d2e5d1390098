/**
 * The backtest window as epoch ms: [startMs, endMs). Dates are read in the market's time zone;
 * a date-only `end` includes that whole day. Date-times with an offset are taken as given.
 */
import {parseDateText, type ParsedDate} from '../core/dates.js'
import {BotsError} from '../core/errors.js'
import {localToUtc} from '../calendar/index.js'

export interface Window {
  startMs?: number
  endMs?: number
}

export function resolveWindow(start: string | undefined, end: string | undefined, timezone: string): Window {
  const startMs = start === undefined ? undefined : toMs(start, timezone, 'start', false)
  const endMs = end === undefined ? undefined : toMs(end, timezone, 'end', true)
  if (startMs !== undefined && endMs !== undefined && startMs >= endMs) {
    throw new BotsError(`the backtest window is empty: end ${end} is not after start ${start}`, {code: 'backtest.window', hint: 'swap them, or widen the window'})
  }
  return {startMs, endMs}
}

function toMs(text: string, timezone: string, which: 'start' | 'end', inclusiveDay: boolean): number {
  const d = parseDateText(text)
  if (!d) throw new BotsError(`${which} \`${text}\` is not a valid date`, {code: 'date.invalid', hint: 'write YYYY-MM-DD or an ISO 8601 date-time such as 2006-01-02T09:30:00'})
  const ms = instant(d, timezone)
  // A date-only end means "through that day"; a date-time end is an exact instant, included.
  return inclusiveDay ? (d.dateOnly ? instant({...d, day: d.day + 1}, timezone) : ms + 1) : ms
}

function instant(d: ParsedDate, timezone: string): number {
  if (d.offsetMinutes !== undefined) {
    return Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second, d.millisecond) - d.offsetMinutes * 60_000
  }
  // Day overflow (end-of-month + 1) is normalised by Date.UTC before the zone conversion.
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day))
  return localToUtc(n.getUTCFullYear(), n.getUTCMonth() + 1, n.getUTCDate(), d.hour, d.minute, timezone) + d.second * 1000 + d.millisecond
}
