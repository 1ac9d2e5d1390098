/**
 * Bars that do not fit the market the spec names, said before the run: each case below ran
 * without a word and gave wrong figures (found by an audit).
 *
 * - Intraday bars outside every session. The runner iterates only inside sessions, but the broker
 *   fills on every bar, so an order can fill at an after-hours price, and most bars may never be
 *   seen: the usual cause is a file of local times imported without --tz (read as UTC), or times
 *   that mark bar ends (`time_label: close`); extended-hours data is outside by nature.
 * - Daily bars with no weekend on a 24/7 market (the default when a spec names none): stock data
 *   run so annualises over 365 days a year, so CAGR, volatility and Sharpe come out ~20-45% high.
 *   backtesting.py tells the two apart the same way.
 * - Daily bars two to a date (a series imported twice in two zones): each date's return is
 *   counted twice.
 * - Daily bars on dates the market is closed (another exchange's holidays: a European index run
 *   on NYSE has bars on Martin Luther King Day and the Fourth of July): the run iterates on those
 *   dates too, can fill orders at their prices, and counts each as a return day.
 */
import {localDateOf, utcOffset} from '../calendar/index.js'
import type {MarketCalendar} from '../calendar/calendar.js'
import type {Diagnostic} from '../core/errors.js'
import type {Bars} from '../model/bars.js'
import {DAY_MS} from '../model/time.js'
import {locateInSpec} from './locate-in-spec.js'

/** Fewer daily bars than this say nothing about weekends (a short run may fall on weekdays). */
const WEEKEND_EVIDENCE = 30

export async function sessionFitWarnings(bars: readonly Bars[], timeframeMs: number, calendar: MarketCalendar, file: string | undefined): Promise<Diagnostic[]> {
  const out: Diagnostic[] = []
  const at = async (path: string) => (file === undefined ? {} : await locateInSpec(file, path))
  const count = (n: number) => n.toLocaleString('en-US')
  for (const b of bars) {
    if (b.length === 0) continue
    if (timeframeMs < DAY_MS && !calendar.alwaysOpen) {
      const outside = barsOutsideSessions(b, calendar)
      if (outside.count === 0) continue
      out.push({
        severity: 'warning',
        code: 'backtest.bars_outside_sessions',
        ...(await at('/market')),
        message: `${b.symbol}: ${count(outside.count)} of ${count(b.length)} bars are outside the market's sessions (${calendar.name} in ${calendar.timezone}; the first at ${iso(b.time[outside.first])}): the run iterates only inside sessions, but orders fill on every bar`,
        hint: `if the file's times are local times, import it in the market's zone (bots data import FILE --symbol ${b.symbol} --tz ${calendar.timezone} --replace, or data.timezone); if they mark bar ends, time_label: close; extended-hours bars are outside by nature`,
      })
    } else if (timeframeMs >= DAY_MS && calendar.alwaysOpen && b.length >= WEEKEND_EVIDENCE && !hasWeekendBar(b)) {
      out.push({
        severity: 'warning',
        code: 'backtest.weekdays_on_24_7',
        ...(await at('/market')),
        message: `${b.symbol}: its ${count(b.length)} daily bars have none on a weekend, but the market is 24/7${file === undefined ? '' : ' (the default when a spec names none)'}: annualised figures (CAGR, volatility, Sharpe) count 365 days a year where these bars have about 252`,
        hint: 'name the market the data is from, e.g. market: NYSE, or a custom market with its days',
      })
    }
    if (timeframeMs === DAY_MS && !calendar.alwaysOpen) {
      const closed = barsOnClosedDays(b, calendar)
      if (closed.count > 0) {
        out.push({
          severity: 'warning',
          code: 'backtest.bars_on_closed_days',
          ...(await at('/market')),
          message: `${b.symbol}: ${count(closed.count)} of ${count(b.length)} daily bars fall on dates ${calendar.name} is closed (${closed.dates.join(', ')}${closed.count > closed.dates.length ? ', …' : ''}): the run iterates on them too, orders can fill at their prices, and each counts as a return day`,
          hint: `bars of another market's trading days (its holidays differ) are the usual cause: name the market the data is from, or leave those rows out of the data`,
        })
      }
    }
    if (timeframeMs >= DAY_MS) {
      const repeats = repeatedDates(b, calendar.timezone)
      if (repeats.count === 0) continue
      out.push({
        severity: 'warning',
        code: 'backtest.two_bars_a_date',
        ...(await at('/data')),
        message: `${b.symbol}: ${count(repeats.count)} daily bars share their date in ${calendar.timezone} with the bar before (the first at ${iso(b.time[repeats.first])}): each such date's move is counted twice`,
        hint: `a series imported twice in two zones holds each day twice: import it again in one zone, with --replace (bots data import FILE --symbol ${b.symbol} --tz ${calendar.timezone} --replace)`,
      })
    }
  }
  return out
}

/** Bars whose open time is in no session: sessions and bars walked together, one pass. */
function barsOutsideSessions(b: Bars, calendar: MarketCalendar): {count: number; first: number} {
  const time = b.time
  const sessions = calendar.sessions(time[0], time[b.length - 1] + 1)
  let s = 0
  let count = 0
  let first = -1
  for (let i = 0; i < b.length; i++) {
    if (b.close[i] !== b.close[i]) continue // no bar of this symbol at that time (several symbols)
    const t = time[i]
    while (s < sessions.length && sessions[s].close <= t) s++
    if (s < sessions.length && sessions[s].open <= t) continue
    if (first < 0) first = i
    count++
  }
  return {count, first}
}

/** Daily bars whose local date is no trading day of the calendar; the first few dates named. */
function barsOnClosedDays(b: Bars, calendar: MarketCalendar): {count: number; dates: string[]} {
  const tz = calendar.timezone
  const open = new Set(calendar.tradingDays(b.time[0], b.time[b.length - 1] + DAY_MS))
  let count = 0
  const dates: string[] = []
  for (let i = 0; i < b.length; i++) {
    if (b.close[i] !== b.close[i]) continue // no bar of this symbol at that time (several symbols)
    const t = b.time[i]
    // A bar off local midnight is said by the daily-alignment warning: its date here would be a day early.
    if ((t + utcOffset(t, tz)) % DAY_MS !== 0) continue
    const date = localDateOf(t, tz)
    if (open.has(date)) continue
    if (dates.length < 3) dates.push(date)
    count++
  }
  return {count, dates}
}

/** Whether a bar falls on a Saturday or Sunday (UTC days: a 24/7 market's sessions). */
function hasWeekendBar(b: Bars): boolean {
  for (let i = 0; i < b.length; i++) {
    if (b.close[i] !== b.close[i]) continue
    // 1970-01-01 was a Thursday: day 2 is Saturday, day 3 Sunday.
    const weekday = (Math.floor(b.time[i] / DAY_MS) % 7 + 7) % 7
    if (weekday === 2 || weekday === 3) return true
  }
  return false
}

/** Bars on the same local date as the bar before them. */
function repeatedDates(b: Bars, timezone: string): {count: number; first: number} {
  let count = 0
  let first = -1
  let last = NaN
  for (let i = 0; i < b.length; i++) {
    if (b.close[i] !== b.close[i]) continue
    const t = b.time[i]
    const day = Math.floor((t + utcOffset(t, timezone)) / DAY_MS)
    if (day === last) {
      if (first < 0) first = i
      count++
    }
    last = day
  }
  return {count, first}
}

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z')
}
