/**
 * Source bars of `bots data resample` outside the market's sessions: pre- and after-market bars of
 * an exchange. Resampling cuts buckets on the clock, so they go into the buckets with the rest
 * (a daily bar's open is then the first pre-market trade, its high and low may be after-market).
 * Found by an audit: `--to 1D --market NYSE` folded them in without a word. Now they are counted
 * and said (`outside`), and `--sessions-only` leaves them out.
 *
 * A bar is outside when [t, t + timeframe) overlaps no session, as `bots data show` counts it
 * (gaps.ts, whose count this is). Only intraday sources are measured: a daily bar on a closed day is a holiday's bar,
 * not an extended-hours one.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import type {MarketCalendar} from '../calendar/calendar.js'
import {DAY_MS} from '../model/time.js'
import {appendColumns} from './append-columns.js'
import {copyDoubleChunks} from './chunk-copy.js'
import {covered} from './bucket-span.js'
import {findMissing} from './gaps.js'

/** The sessions between `first` and `last` (epoch ms) as a temp table `name` (o, c: epoch ms). */
export async function sessionsTable(conn: DuckDBConnection, name: string, calendar: MarketCalendar, first: number, last: number): Promise<void> {
  const sessions = calendar.sessions(first - DAY_MS, last + DAY_MS)
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (o DOUBLE, c DOUBLE)`)
  await appendColumns(conn, name, [{type: 'double', values: Float64Array.from(sessions, (s) => s.open)}, {type: 'double', values: Float64Array.from(sessions, (s) => s.close)}], sessions.length, true)
}

/** SQL true for a row of `bars` (its `ts`) whose [ts, ts + `ms`) overlaps a session of `table`. */
export function inSessions(table: string, ms: number): string {
  return `EXISTS (SELECT 1 FROM ${table} s WHERE epoch_ms(ts) + ${ms} > s.o AND epoch_ms(ts) < s.c)`
}

/**
 * Source bars (`bars WHERE where`) of `ms` each that overlap no session of `calendar`, as `bots
 * data show` counts them (findMissing's `outside`). Undefined when the bars reach outside the
 * calendar's years (NYSE before 1990): then nothing can be said of them.
 */
export async function countOutside(conn: DuckDBConnection, where: string, params: Record<string, DuckDBValue>, ms: number, calendar: MarketCalendar): Promise<number | undefined> {
  if (ms >= DAY_MS) return 0
  const n = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bars WHERE ${where}`, params)).getRowObjectsJS()[0].n)
  if (n === 0) return 0
  const times = new Float64Array(n)
  await copyDoubleChunks(await conn.stream(`SELECT epoch_ms(ts)::DOUBLE FROM bars WHERE ${where} ORDER BY ts`, params), [times])
  return covered(() => findMissing(times, {calendar, timeframeMs: ms, timezone: calendar.timezone, limit: 0}).outside)
}
