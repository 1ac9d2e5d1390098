/**
 * Daily (and longer) bars that do not start at midnight in the market's zone. Each such bar
 * counts as the local date it starts on there, so the usual cause shifts a whole backtest by a
 * day without a sound: a daily file imported without --tz has its dates read as UTC midnight,
 * which is 19:00 or 20:00 of the day before in New York, and under an NYSE market every bar then
 * falls on the previous trading day (the last bar of a year on Dec 30). A spec's own data file is
 * imported in the market's zone and never meets this; bars imported by hand can. Worth a warning
 * that says what happened and how to import the data again.
 */
import {localDateOf, utcOffset, utcToLocalParts} from '../calendar/index.js'
import type {Diagnostic} from '../core/errors.js'
import type {Bars} from '../model/bars.js'
import {DAY_MS} from '../model/time.js'
import {locateInSpec} from './locate-in-spec.js'

export async function dailyAlignmentWarnings(bars: readonly Bars[], timeframeMs: number, timezone: string, file: string | undefined): Promise<Diagnostic[]> {
  if (timeframeMs % DAY_MS !== 0 || timezone === 'UTC') return []
  const warnings: Diagnostic[] = []
  for (const b of bars) {
    let off = 0
    let first = -1
    let utcMidnights = 0
    for (let i = 0; i < b.length; i++) {
      const t = b.time[i]
      if ((t + utcOffset(t, timezone)) % DAY_MS === 0) continue
      if (first < 0) first = i
      off++
      if (t % DAY_MS === 0) utcMidnights++
    }
    if (off === 0) continue
    const t = b.time[first]
    const p = utcToLocalParts(t, timezone)
    const at = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`
    const cause = utcMidnights === off ? ` (they are stamped 00:00 UTC, as a file imported without --tz is)` : ''
    warnings.push({
      severity: 'warning',
      code: 'backtest.daily_bars_off_midnight',
      ...(file === undefined ? {} : await locateInSpec(file, '/data')),
      message: `${b.symbol}: ${off.toLocaleString('en-US')} of ${b.length.toLocaleString('en-US')} daily bars do not start at midnight in ${timezone}, the market's zone${cause}: ` +
        `the first, ${new Date(t).toISOString().replace('.000Z', 'Z')}, starts at ${at} on ${localDateOf(t, timezone)} there, and each bar counts as the date it starts on`,
      hint: `if the data's dates are ${timezone} dates, import it again in that zone: bots data import FILE --symbol ${b.symbol} --tz ${timezone} --replace`,
    })
  }
  return warnings
}
