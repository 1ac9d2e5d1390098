/**
 * Two views of the holes in a series. `findMissing` (what `bots data show` reports as missing)
 * measures a series against its market's calendar: only sessions, or bars inside sessions, that
 * the market traded and the series lacks. `findGaps` below is calendar-blind and kept for the
 * `gaps` field of `bots data show --json`, whose meaning does not change:
 *
 * Gaps: consecutive bars further apart than one timeframe. They are reported, never filled. Each
 * gap gets a kind so the expected ones do not drown the rest:
 * - `overnight` (bars shorter than a day): the next bar is on a later local date, a session break;
 * - `weekend` (daily and longer): only Saturdays and Sundays are missing;
 * - `intraday` / `days`: bars missing inside a session, or weekdays missing (holidays included:
 *   without a market calendar the store cannot tell a holiday from a hole).
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import type {MarketCalendar} from '../calendar/calendar.js'
import {isoDate, parseIsoDate} from '../calendar/civil-date.js'
import {localDayNumber, utcOffset, utcToLocalParts} from '../calendar/timezone.js'
import {DAY_MS} from '../model/time.js'
import {copyDoubleChunks} from './chunk-copy.js'
import type {Timeframe} from './timeframe.js'

export type GapKind = 'overnight' | 'weekend' | 'intraday' | 'days'

export interface Gap {
  kind: GapKind
  /** Open time of the bar before and after the gap, ISO 8601 UTC. */
  after: string
  before: string
  /** Bars of this timeframe that would fit in between. */
  missing: number
}

export interface GapReport {
  total: number
  byKind: Record<GapKind, number>
  /** The first `limit` gaps that are not overnight or weekend breaks, in time order. */
  list: Gap[]
}

export async function findGaps(
  conn: DuckDBConnection,
  symbol: string,
  tf: Timeframe,
  timezone: string,
  limit: number,
): Promise<GapReport> {
  const local = (x: string) => `CAST(timezone($tz, timezone('UTC', ${x})) AS DATE)`
  const kind =
    tf.ms < DAY_MS
      ? `CASE WHEN ${local('prev')} <> ${local('ts')} THEN 'overnight' ELSE 'intraday' END`
      : `CASE WHEN len(list_filter(range(1, (${local('ts')} - ${local('prev')})::BIGINT), k -> isodow(${local('prev')} + k::INTEGER) <= 5)) = 0
           THEN 'weekend' ELSE 'days' END`
  // Daily bars: count on local dates, so a DST change (a 23- or 25-hour day) does not skew it.
  const missing =
    tf.ms < DAY_MS
      ? `((epoch_ms(ts) - epoch_ms(prev)) // ${tf.ms} - 1)`
      : `((${local('ts')} - ${local('prev')}) // ${tf.ms / DAY_MS} - 1)`
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE bots_gaps AS
     SELECT ${kind} AS kind, strftime(prev, '%Y-%m-%dT%H:%M:%SZ') AS after, strftime(ts, '%Y-%m-%dT%H:%M:%SZ') AS before,
       ${missing}::DOUBLE AS missing, ts
     FROM (SELECT ts, lag(ts) OVER (ORDER BY ts) AS prev FROM bars WHERE symbol = $symbol AND timeframe = $timeframe)
     WHERE epoch_ms(ts) - epoch_ms(prev) > ${tf.ms}`,
    {symbol, timeframe: tf.text, tz: timezone},
  )
  try {
    const byKind: Record<GapKind, number> = {overnight: 0, weekend: 0, intraday: 0, days: 0}
    for (const r of (await conn.runAndReadAll(`SELECT kind, count(*)::DOUBLE AS n FROM bots_gaps GROUP BY kind`)).getRowObjectsJS()) {
      byKind[r.kind as GapKind] = Number(r.n)
    }
    const list = (
      await conn.runAndReadAll(
        `SELECT kind, after, before, missing FROM bots_gaps WHERE kind IN ('intraday', 'days') ORDER BY ts LIMIT $limit`,
        {limit},
      )
    ).getRowObjectsJS() as unknown as Gap[]
    return {total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind, list: list.map((g) => ({...g, missing: Number(g.missing)}))}
  } finally {
    await conn.run('DROP TABLE IF EXISTS temp.bots_gaps')
  }
}

// ---------------------------------------------------------------------------------------------
// Missing data against the market's calendar: what `bots data show` calls missing.
// ---------------------------------------------------------------------------------------------

/**
 * Sessions or bars the market's calendar expects between a series' first and last bar that the
 * series does not have. Closures (nights, weekends, holidays, the rest of an early-close day) are
 * never missing.
 * - Daily bars (`unit: 'session'`): a trading day of the calendar with no bar dated that day
 *   (dates in the series' zone). Longer bars (e.g. 1W): a period holding trading days but no bar.
 * - Intraday bars (`unit: 'bar'`): bar slots inside sessions between two consecutive bars; a
 *   session with no bar at all counts all of its slots.
 */
export interface MissingReport {
  unit: 'session' | 'bar'
  /** Sessions (daily bars) or bars (intraday) missing in all. */
  count: number
  /**
   * Runs in all (`ranges` lists the first few): consecutive missing sessions (daily), or consecutive
   * missing bars within one session (intraday; a hole across a night is two runs).
   */
  runs: number
  /** Stored bars that fall in no session (e.g. dated on a day the calendar has the market closed). */
  outside: number
  /** The first runs, in time order. */
  ranges: MissingRange[]
}

export interface MissingRange {
  /**
   * First and last missing session or bar, both inclusive. Daily bars: local dates `YYYY-MM-DD`;
   * intraday: bar open times in the market's zone with its offset, `2006-01-02T09:05:00+01:00`.
   */
  from: string
  to: string
  /** Sessions or bars missing in this run. */
  count: number
}

export interface MissingOptions {
  calendar: MarketCalendar
  /** Bar length in ms. */
  timeframeMs: number
  /** Zone of daily bars' dates (the zone they were stamped in, normally the market's). */
  timezone: string
  /** Runs listed. */
  limit: number
}

/** Missing sessions or bars of the ascending open times `times` (epoch ms) against `opts.calendar`. */
export function findMissing(times: ArrayLike<number>, opts: MissingOptions): MissingReport {
  if (times.length === 0) return {unit: opts.timeframeMs >= DAY_MS ? 'session' : 'bar', count: 0, runs: 0, outside: 0, ranges: []}
  return opts.timeframeMs >= DAY_MS ? missingSessions(times, opts) : missingBars(times, opts)
}

function missingSessions(times: ArrayLike<number>, {calendar, timeframeMs, timezone, limit}: MissingOptions): MissingReport {
  const days = Array.from(times, (t) => localDayNumber(t, timezone))
  const first = days[0]
  const last = days[days.length - 1]
  // Trading days as day numbers, from the first bar's date to the last's (both inclusive).
  const end = times[times.length - 1]
  const trading = tradingDayNumbers(calendar, [times[0] - DAY_MS / 2, end + 1.5 * DAY_MS], [times[0], end + 1], first).filter((d) => d <= last)
  const tradingSet = new Set(trading)
  const step = Math.round(timeframeMs / DAY_MS)
  // A daily bar is outside on a day the market is closed; a longer one (a week) only when no day
  // of its span trades: a week is dated by its first day, a holiday Monday as often as not (found
  // by an audit: 94 weekly ORCL bars "dated on days the market is closed").
  const outside = step <= 1 ? new Set(days.filter((d) => !tradingSet.has(d))).size : emptySpans(days, step, tradingDayNumbers(calendar, [times[0] - DAY_MS / 2, end + timeframeMs + DAY_MS / 2], [times[0], end + timeframeMs], first))
  const report: MissingReport = {unit: 'session', count: 0, runs: 0, outside, ranges: []}
  const add = (from: number, to: number, count: number) => {
    report.count += count
    if (report.runs++ < limit) report.ranges.push({from: isoDate(from), to: isoDate(to), count})
  }
  if (step <= 1) {
    const have = new Set(days)
    let run: {from: number; to: number; count: number} | undefined
    for (const d of trading) {
      if (have.has(d)) {
        if (run) add(run.from, run.to, run.count)
        run = undefined
      } else if (run) {
        run.to = d
        run.count++
      } else run = {from: d, to: d, count: 1}
    }
    if (run) add(run.from, run.to, run.count)
    return report
  }
  // Bars longer than a day: each stretch of `step` days after a bar that holds trading days but
  // no bar is one missing period, dated by its first and last trading day.
  let ti = 0
  for (let i = 1; i < days.length; i++) {
    let run: {from: number; to: number; count: number} | undefined
    for (let w = days[i - 1] + step; w + step <= days[i]; w += step) {
      while (ti < trading.length && trading[ti] < w) ti++
      const inWindow: number[] = []
      for (let k = ti; k < trading.length && trading[k] < w + step; k++) inWindow.push(trading[k])
      if (inWindow.length === 0) continue
      if (run) {
        run.to = inWindow[inWindow.length - 1]
        run.count++
      } else run = {from: inWindow[0], to: inWindow[inWindow.length - 1], count: 1}
    }
    if (run) add(run.from, run.to, run.count)
  }
  return report
}

/**
 * Trading days as day numbers, none before `first`: over `wide` (the bars' span and a little either
 * side, in case they were stamped in another zone than the market's), or over `exact` when that
 * reaches past the calendar's first or last year. Times are epoch ms.
 */
function tradingDayNumbers(calendar: MarketCalendar, wide: [number, number], exact: [number, number], first: number): number[] {
  let days: string[]
  try {
    days = calendar.tradingDays(wide[0], wide[1])
  } catch {
    days = calendar.tradingDays(exact[0], exact[1])
  }
  return days.map((d) => parseIsoDate(d) as number).filter((d) => d >= first)
}

/** Bars (their first days, ascending) whose `step` days hold no trading day. */
function emptySpans(days: readonly number[], step: number, trading: readonly number[]): number {
  let empty = 0
  let k = 0
  for (const d of days) {
    while (k < trading.length && trading[k] < d) k++
    if (!(k < trading.length && trading[k] < d + step)) empty++
  }
  return empty
}

function missingBars(times: ArrayLike<number>, {calendar, timeframeMs: tf, limit}: MissingOptions): MissingReport {
  const sessions = calendar.sessions(times[0], times[times.length - 1] + tf)
  const tz = calendar.timezone
  // Index of the last session that opens before `t`, or -1.
  const lastOpeningBefore = (t: number) => {
    let lo = 0
    let hi = sessions.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (sessions[mid].open < t) lo = mid + 1
      else hi = mid
    }
    return lo - 1
  }
  const report: MissingReport = {unit: 'bar', count: 0, runs: 0, outside: 0, ranges: []}
  for (let i = 0; i < times.length; i++) {
    // A bar is outside when [t, t + tf) overlaps no session.
    const s = lastOpeningBefore(times[i] + tf)
    if (s < 0 || sessions[s].close <= times[i]) report.outside++
    if (i === 0) continue
    const from = times[i - 1] + tf
    const to = times[i]
    if (to <= from) continue
    // One run per stretch of market time: a hole across a night is two runs, the night in neither;
    // across sessions that touch (24/7 days), one.
    let run: {from: number; last: number; count: number} | undefined
    const flush = () => {
      if (!run) return
      report.count += run.count
      if (report.runs++ < limit) report.ranges.push({from: localTime(run.from, tz), to: localTime(run.last, tz), count: run.count})
      run = undefined
    }
    for (let k = Math.max(0, lastOpeningBefore(from)); k < sessions.length && sessions[k].open < to; k++) {
      const a = Math.max(sessions[k].open, from)
      const n = Math.floor((Math.min(sessions[k].close, to) - a) / tf)
      if (n <= 0) continue
      if (run && run.last + tf === a) {
        run.last = a + (n - 1) * tf
        run.count += n
      } else {
        flush()
        run = {from: a, last: a + (n - 1) * tf, count: n}
      }
    }
    flush()
  }
  return report
}

/** `2006-01-02T09:05:00+01:00`: the wall time at `t` in `tz`, with the zone's offset then. */
export function localTime(t: number, tz: string): string {
  const offset = utcOffset(t, tz)
  const p = utcToLocalParts(t, tz)
  const two = (x: number) => String(x).padStart(2, '0')
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset) / 60_000
  return `${isoDate(localDayNumber(t, tz))}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
}

/** `YYYY-MM-DD`: the date at `t` in `tz` (what a daily bar stamped at local midnight stands for). */
export function localDate(t: number, tz: string): string {
  return isoDate(localDayNumber(t, tz))
}

/** Bar open times of a series, ascending, as epoch ms. */
export async function loadTimes(conn: DuckDBConnection, symbol: string, timeframe: string): Promise<Float64Array> {
  const params = {symbol, timeframe}
  const n = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = $symbol AND timeframe = $timeframe`, params)).getRowObjectsJS()[0].n)
  const out = new Float64Array(n)
  await copyDoubleChunks(await conn.stream(`SELECT epoch_ms(ts)::DOUBLE FROM bars WHERE symbol = $symbol AND timeframe = $timeframe ORDER BY ts`, params), [out])
  return out
}
