/**
 * How many bars make a year, for annualising per-bar figures (volatility, Sharpe, Sortino, CAGR).
 *
 * - 24/7 markets: 365 days a year × bars per day (1D bars: 365; 1-minute bars: 525,600).
 * - Exchange calendars (NYSE, custom hours): 252 sessions a year (a custom market trading other
 *   than five days a week scales it: 252 × days ÷ 5) × bars per regular session, where the
 *   session length is the most common one among the run's sessions and the month after its start
 *   (so early closes never decide it, even for a run of one half day).
 *   NYSE 5-minute bars: 252 × 78 = 19,656.
 * - Bars of one day: the sessions (or days) a year. Longer bars: 365.25 days ÷ the bar length
 *   (weekly bars: ≈ 52.18).
 *
 * `periodsPerYear` may also be given outright (API option), which wins over all of this.
 */
import type {MarketCalendar} from '../calendar/index.js'
import {DAY_MS} from '../model/time.js'
import type {MarketSpec} from '../model/bot-spec.js'
import {localeNumber} from '../core/fixed-number.js'

export const TRADING_DAYS_PER_YEAR = 252
export const CALENDAR_DAYS_PER_YEAR = 365

export interface Annualisation {
  periodsPerYear: number
  /** In words, for reports: `252 sessions × 78 bars per session`. */
  basis: string
}

export function annualisation(market: MarketSpec, timeframeMs: number, calendar: MarketCalendar, from: number, to: number): Annualisation {
  if (calendar.alwaysOpen || market === '24/7') {
    if (timeframeMs > DAY_MS) return longBars(timeframeMs)
    const perDay = DAY_MS / timeframeMs
    return {periodsPerYear: CALENDAR_DAYS_PER_YEAR * perDay, basis: `${CALENDAR_DAYS_PER_YEAR} days × ${fmt(perDay)} bars per day (24/7)`}
  }
  const days = typeof market === 'string' ? 5 : market.days.length
  const sessionsPerYear = (TRADING_DAYS_PER_YEAR * days) / 5
  const sessionsText = days === 5 ? `${TRADING_DAYS_PER_YEAR} sessions` : `${fmt(sessionsPerYear)} sessions (252 × ${days}/5 days)`
  if (timeframeMs > DAY_MS) return longBars(timeframeMs)
  if (timeframeMs === DAY_MS) return {periodsPerYear: sessionsPerYear, basis: `${sessionsText} a year`}
  const perSession = barsPerSession(calendar, timeframeMs, from, to)
  return {periodsPerYear: sessionsPerYear * perSession, basis: `${sessionsText} × ${fmt(perSession)} bars per session`}
}

function longBars(timeframeMs: number): Annualisation {
  const n = (365.25 * DAY_MS) / timeframeMs
  return {periodsPerYear: n, basis: `365.25 days ÷ ${fmt(timeframeMs / DAY_MS)} days per bar`}
}

/**
 * Bars in the most common session length of [from, to) and the month after `from`: a run of a
 * day or two would otherwise take its own length for the market's (a run of one half day, 42 bars
 * of 5 minutes for NYSE's 78, read every figure as if the year had 10,584 bars), and no month has
 * more early closes than full sessions.
 */
export function barsPerSession(calendar: MarketCalendar, timeframeMs: number, from: number, to: number): number {
  const start = Number.isFinite(from) ? from : Date.UTC(2020, 0, 1)
  const end = Number.isFinite(to) && to > start ? Math.max(to, start + 30 * DAY_MS) : start + 30 * DAY_MS
  const sessions = calendar.sessions(start, end)
  const counts = new Map<number, number>()
  for (const s of sessions) {
    const bars = Math.ceil((s.close - s.open) / timeframeMs)
    counts.set(bars, (counts.get(bars) ?? 0) + 1)
  }
  let best = 0
  let bestCount = -1
  for (const [bars, count] of counts) if (count > bestCount || (count === bestCount && bars > best)) [best, bestCount] = [bars, count]
  return best > 0 ? best : Math.max(1, Math.round((6.5 * 3_600_000) / timeframeMs))
}

const fmt = (v: number) => (Number.isInteger(v) ? localeNumber(v) : v.toFixed(2))
