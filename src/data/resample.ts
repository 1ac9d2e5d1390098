/**
 * Resampling in DuckDB: bars of one timeframe → a longer one, stored under the new timeframe
 * (upsert, one transaction). OHLCV: first open, max high, min low, last close, sum of volume.
 *
 * Buckets follow the market's wall clock in `timezone`:
 * - shorter than a day: cut at each instant where the local clock shows a multiple of the
 *   timeframe (1H bars start at local :00, also in zones with a :30 offset), and stamped with that
 *   instant. A DST change never merges two real hours, and makes the bucket around it longer or
 *   shorter: in New York the 00:00–04:00 bucket of a 4H series lasts 3 hours on the spring-forward
 *   day and 5 on the fall-back day. A bucket whose local start the clock skips starts when the
 *   clock jumps past it. `HigherBars` (src/rules/runtime/higher-bars.ts) cuts the same buckets.
 * - a day or longer: cut at local midnight, so a daily bar is the session day in the market's
 *   zone, not the UTC day; its time is 00:00 local of that date. Weeks start on Monday.
 * Buckets are made only from bars that exist: no bar is invented for a gap. `partial` counts those
 * with fewer source bars than their span holds in the market's sessions (partial-buckets.ts).
 * On a market with sessions, a sub-day bucket the clock starts before the open whose first bar is
 * in the session is stamped at the open (`stampAtSessionOpens`), and bars outside the sessions are
 * counted, or left out (resample-sessions.ts); the bars an earlier resample made under the other
 * stamp, or of the bars left out, are removed (`removeRestamped`).
 */
import {DAY_MS} from '../model/time.js'
import {BotsError} from '../core/errors.js'
import {assertSeriesExists, rangeFilter} from './load-bars.js'
import {inTransaction, withConnection, type Store} from './store.js'
import {findSeries} from './bar-series.js'
import type {DuckDBConnection} from '@duckdb/node-api'
import {alwaysOpen, countPartial, guessMarket} from './partial-buckets.js'
import {covered} from './bucket-span.js'
import {resolveMarket, type MarketInfo} from './show.js'
import {canResample, toTimeframe, type Timeframe} from './timeframe.js'
import {checkTimezone} from './timezone.js'
import {upsertBars} from './upsert.js'
import {importTimezone} from './import-timezone.js'
import {countOutside, inSessions, sessionsTable} from './resample-sessions.js'
import {createCalendar} from '../calendar/index.js'

export interface ResampleOptions {
  symbol: string
  from: string | number
  to: string | number
  /** Default: the zone of the symbol's latest import, else UTC. */
  timezone?: string
  /**
   * The market whose sessions `partial` is measured against, as `bots data show --market` takes
   * it: `24/7`, `NYSE`, `ZONE HH:MM-HH:MM` (Monday to Friday), or a custom market as JSON.
   * Default as there: NYSE when the latest import read its times in America/New_York, else
   * guessed from the source bars.
   */
  market?: string
  start?: number
  end?: number
  /**
   * Leave out the source bars outside the market's sessions (pre- and after-market): the buckets
   * are then made of session bars only. Needs a market with sessions that is not guessed from the
   * bars themselves (`market`, or NYSE from a New York import).
   */
  sessionsOnly?: boolean
}

export interface ResampleResult {
  symbol: string
  from: string
  to: string
  timezone: string
  sourceRows: number
  rows: number
  new: number
  replaced: number
  /** Bars an earlier resample made of these buckets under another stamp (09:00 now 09:30, or back), or from the bars --sessions-only leaves out, deleted. */
  removed: number
  /**
   * Buckets made of fewer source bars than they can hold: their real span on the clock of
   * `timezone` (a New York day of 23 or 25 hours when DST starts or ends), and of that only the
   * market's session time (an NYSE day 390 minutes, an early close 210). See bucket-span.ts.
   */
  partial: number
  /** The market `partial` was measured against, and where it came from (as `bots data show` says). */
  market: MarketInfo
  /**
   * Intraday source bars outside the market's sessions (pre- and after-market, resample-sessions.ts):
   * in the buckets, or, with `sessionsOnly`, left out of them (`sourceRows` does not count them then).
   */
  outside: number
  /** Whether the outside bars were left out (`sessionsOnly`). */
  sessionsOnly: boolean
  first: string | null
  last: string | null
}

const OUT = 'bots_resampled'
const SESSIONS = 'bots_resample_sessions'
const LEFT_OUT = 'bots_resample_left_out'

export async function resampleBars(store: Store, opts: ResampleOptions): Promise<ResampleResult> {
  if (store.readOnly) throw new Error('bug: resampleBars needs a store opened read-write')
  const from = toTimeframe(opts.from)
  const to = toTimeframe(opts.to)
  checkRatio(from, to)
  return withConnection(store, async (conn) => {
    const importZone = await importTimezone(conn, opts.symbol)
    const timezone = await checkTimezone(conn, opts.timezone ?? importZone ?? 'UTC')
    await assertSeriesExists(conn, opts.symbol, from.text)
    const given = resolveMarket(opts.market, importZone) // a bad --market fails before anything is written
    const range = rangeFilter(opts.symbol, from.text, opts.start, opts.end)
    const params = range.params
    let where = range.where
    const sessionsOnly = opts.sessionsOnly === true
    if (sessionsOnly) checkSessionsOnly(given, from)
    // Counted before any is left out: what the clock-cut buckets would fold in.
    const counted = sessionsOnly || (from.ms < DAY_MS && given.source !== 'bars' && !alwaysOpen(given.spec)) ? await countOutside(conn, where, params, from.ms, createCalendar(given.spec)) : 0
    if (counted === undefined && sessionsOnly) throw new BotsError(`--sessions-only: the bars reach outside the years ${given.name}'s calendar knows`, {code: 'data.resample', hint: 'resample a range inside them (NYSE: 1990–2099), or without --sessions-only'})
    const outside = counted ?? 0
    // The source's own span (every bar asked for, outside sessions too): the target is replaced over it.
    const source = (await conn.runAndReadAll(`SELECT epoch_ms(min(ts))::DOUBLE AS a, epoch_ms(max(ts))::DOUBLE AS b FROM bars WHERE ${where}`, params)).getRowObjectsJS()[0]
    const [sourceFirst, sourceEnd] = [Number(source.a), Number(source.b) + from.ms]
    try {
      if (sessionsOnly && outside > 0) {
        await sessionsTable(conn, SESSIONS, createCalendar(given.spec), sourceFirst, sourceEnd)
        where = `${where} AND ${inSessions(SESSIONS, from.ms)}`
      }
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE ${OUT} AS ${to.ms < DAY_MS ? intradayBuckets(where, to.ms) : dailyBuckets(where, to.ms / DAY_MS)}`,
        {...params, tz: timezone},
      )
      const span = async () =>
        (await conn.runAndReadAll(
          `SELECT sum(n)::DOUBLE AS source, count(*)::DOUBLE AS rows, epoch_ms(min(ts))::DOUBLE AS lo, epoch_ms(max(ts))::DOUBLE AS hi,
             strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS last FROM ${OUT}`,
        )).getRowObjectsJS()[0]
      const s = await span()
      const [first, last, any] = [Number(s.lo), Number(s.hi), Number(s.rows) > 0]
      // The source bars lie between the first bucket's start and the last one's end (within a day of DST of `to`).
      const market = any ? await guessMarket(conn, given, {where, params, from, first, last: last + to.ms + DAY_MS, timezone}) : given
      // Measured on the buckets as the clock cuts them, before any is stamped at a session's open.
      const partial = any ? await countPartial(conn, {table: OUT, from, to, timezone, market, first, last}) : 0
      // Not where the bars reach outside the calendar's years (no sessions to stamp at): clock stamps, as before.
      const restamp = any && to.ms < DAY_MS && given.source !== 'bars' && !alwaysOpen(given.spec) && (await stampAtSessionOpens(conn, given, first, last + to.ms))
      // The bars left out by --sessions-only, bucketed as a resample without it made them: theirs go.
      if (sessionsOnly && outside > 0) {
        const left = `${range.where} AND NOT ${inSessions(SESSIONS, from.ms)}`
        await conn.run(`CREATE OR REPLACE TEMP TABLE ${LEFT_OUT} AS SELECT ts FROM (${to.ms < DAY_MS ? intradayBuckets(left, to.ms) : dailyBuckets(left, to.ms / DAY_MS)})`, {...params, tz: timezone})
      }
      const counts = await inTransaction(conn, async () => {
        const removed = any || sessionsOnly ? await removeRestamped(conn, opts.symbol, to.text, {restamp, leftOut: sessionsOnly && outside > 0, toMs: to.ms}) : 0
        const c = await upsertBars(conn, opts.symbol, to.text, OUT)
        return {...c, removed}
      })
      const shown = restamp ? await span() : s
      return {
        symbol: opts.symbol, from: from.text, to: to.text, timezone,
        sourceRows: Number(s.source ?? 0), rows: Number(s.rows), new: counts.new, replaced: counts.replaced, removed: counts.removed, partial, market, outside, sessionsOnly,
        first: (shown.first as string | null) ?? null, last: (shown.last as string | null) ?? null,
      }
    } finally {
      await conn.run(`DROP TABLE IF EXISTS temp.${OUT}`)
      await conn.run(`DROP TABLE IF EXISTS temp.${SESSIONS}`)
      await conn.run(`DROP TABLE IF EXISTS temp.${LEFT_OUT}`)
    }
  })
}

/** Naive UTC → naive local wall clock in `$tz`. */
const local = (ts: string) => `timezone($tz, timezone('UTC', ${ts}))`
/** Local minus UTC (ms) in `$tz` at the instant of epoch ms `ms`. */
const offsetAt = (ms: string) => `(epoch_ms(${local(`make_timestamp_ms(${ms})`)}) - (${ms}))`
const AGGREGATES = 'arg_min(open, ts) AS o, max(high) AS h, min(low) AS l, arg_max(close, ts) AS c, sum(volume) AS v, count(*) AS n'

/**
 * Sub-day buckets. A bucket starts at the last instant at or before a bar at which the local
 * clock showed a multiple of the timeframe, or jumped past one (spring-forward gap); the same steps
 * as `HigherBars` (src/rules/runtime/higher-bars.ts). With `w0` = a bar's wall time floored to
 * the timeframe, subtracting the bar's own offset from w0 gives that instant unless the offset
 * changed in between, so the bars are grouped by (w0, offset) first, one group per bucket or two
 * for a bucket across a change, and only each group's start is checked against the offset there:
 * - `a` = w0 − the group's offset, when the clock showed w0 then: always on days without a change;
 * - else, the offset before the change being `off_a`, the last multiple `m` ≥ w0 that the clock
 *   showed before the change, at m − off_a (w0 itself, except where it fell back over a multiple);
 * - else the clock jumped past w0: the change, the first second in (a, w0 − off_a] with the
 *   group's offset (offsets change on whole seconds).
 * Then the groups of one bucket are merged.
 */
function intradayBuckets(where: string, ms: number): string {
  return `WITH runs AS (
      SELECT w - (((w % ${ms}) + ${ms}) % ${ms}) AS w0, w - t AS off, min(ts) AS first, max(ts) AS last, ${AGGREGATES}
      FROM (SELECT epoch_ms(ts) AS t, epoch_ms(${local('ts')}) AS w, * FROM bars WHERE ${where}) GROUP BY w0, off
    ), checked AS (SELECT *, ${offsetAt('w0 - off')} AS off_a FROM runs),
    stamped AS (
      SELECT CASE WHEN off_a = off THEN w0 - off ELSE coalesce(
          list_max(list_filter(list_transform(range(w0, w0 + ${ms} + abs(off_a - off), ${ms}), lambda x: x - off_a), lambda x: ${offsetAt('x')} = off_a)),
          list_min(list_filter(range(w0 - off + 1000, w0 - off_a + 1000, 1000), lambda x: ${offsetAt('x')} = off)),
          w0 - off_a)
        END AS bucket, *
      FROM checked
    )
    SELECT make_timestamp_ms(bucket::BIGINT) AS ts, arg_min(o, first) AS o, max(h) AS h, min(l) AS l, arg_max(c, last) AS c, sum(v) AS v, sum(n) AS n, min(first) AS first
    FROM stamped GROUP BY bucket`
}

/**
 * Days and longer: the bars are grouped by their local date's days since Monday 1970-01-05 (day
 * 4), floored to the timeframe; each group is stamped with its first date's local midnight in
 * UTC, as `wallToUtc` (src/calendar/timezone.ts) converts it, so that `HigherBars` agrees: a
 * midnight that comes twice (a fall-back at midnight, e.g. Havana) takes the earlier instant,
 * one the clock skips moves forward by the gap. (DuckDB's own conversion takes the later one.)
 */
function dailyBuckets(where: string, days: number): string {
  return `WITH runs AS (
      SELECT floor((CAST(${local('ts')} AS DATE) - DATE '1970-01-05') / ${days})::BIGINT AS k, ${AGGREGATES}
      FROM bars WHERE ${where} GROUP BY k
    ), walls AS (SELECT (4 + k * ${days}) * ${DAY_MS} AS m, * FROM runs),
    offsets AS (SELECT m - ${offsetAt(`m - ${DAY_MS}`)} AS early, m - ${offsetAt(`m + ${DAY_MS}`)} AS late, * FROM walls),
    fits AS (SELECT ${offsetAt('early')} = m - early AS early_fits, ${offsetAt('late')} = m - late AS late_fits, * FROM offsets)
    SELECT make_timestamp_ms((CASE WHEN early = late THEN early WHEN early_fits AND late_fits THEN least(early, late)
        WHEN early_fits THEN early WHEN late_fits THEN late ELSE early END)::BIGINT) AS ts, o, h, l, c, v, n
    FROM fits`
}

/**
 * A bucket the clock starts before its session opens, whose first bar is in that session, is
 * stamped at the open: RTH minute bars resampled to 1H make a 09:30 bar (09:30–10:00), then 10:00,
 * 11:00, … on NYSE. Stamped 09:00, a time the market is closed, it said trading began before the
 * open, and `bots backtest` warned that a seventh of the bars were outside the sessions (`data show`,
 * which asks only that a bar overlap a session, did not).
 * A bucket whose first bar is pre-market keeps its clock stamp: it holds trading from then. The
 * bucket is the same (`HigherBars` cuts it so too); only its time moves. (`clock` keeps the old one.)
 */
async function stampAtSessionOpens(conn: DuckDBConnection, market: MarketInfo, first: number, end: number): Promise<boolean> {
  const calendar = createCalendar(market.spec)
  if (covered(() => calendar.sessions(first - DAY_MS, end + DAY_MS)) === undefined) return false
  await sessionsTable(conn, SESSIONS, calendar, first, end)
  await conn.run(`ALTER TABLE ${OUT} ADD COLUMN clock TIMESTAMP`)
  await conn.run(`UPDATE ${OUT} SET clock = ts`)
  await conn.run(
    `UPDATE ${OUT} SET ts = make_timestamp_ms(s.o::BIGINT) FROM ${SESSIONS} s
     WHERE epoch_ms(${OUT}.first) >= s.o AND epoch_ms(${OUT}.first) < s.c AND epoch_ms(${OUT}.clock) < s.o
       AND NOT EXISTS (SELECT 1 FROM ${SESSIONS} x WHERE epoch_ms(${OUT}.clock) >= x.o AND epoch_ms(${OUT}.clock) < x.c)`,
  )
  return true
}

/**
 * The target's bars an earlier resample of these buckets made under another stamp, deleted before
 * the new ones go in (which replace those under the same stamp): the bucket's clock stamp (09:00)
 * where it is now stamped at the open; the open (09:30) where it is now stamped at the clock
 * (pre-market bars in it); and, with --sessions-only, the buckets only the bars it leaves out made
 * (`LEFT_OUT`: the pre- and after-market hours). No other bar of the target is touched: a bar
 * imported, or made from other data, stays (found by the review: replacing the whole source span
 * deleted an imported daily bar where the minutes had a gap).
 */
async function removeRestamped(conn: DuckDBConnection, symbol: string, timeframe: string, o: {restamp: boolean; leftOut: boolean; toMs: number}): Promise<number> {
  const series = await findSeries(conn, symbol, timeframe)
  if (series === undefined) return 0
  const made = `(SELECT ts FROM ${OUT})`
  const stale: string[] = []
  if (o.restamp) {
    stale.push(`SELECT clock FROM ${OUT} WHERE clock <> ts`)
    stale.push(`SELECT make_timestamp_ms(s.o::BIGINT) FROM ${OUT} JOIN ${SESSIONS} s ON s.o > epoch_ms(${OUT}.ts) AND s.o < epoch_ms(${OUT}.ts) + ${o.toMs} WHERE ${OUT}.clock = ${OUT}.ts`)
  }
  if (o.leftOut) stale.push(`SELECT ts FROM ${LEFT_OUT}`)
  if (stale.length === 0) return 0
  const r = await conn.run(`DELETE FROM bar_rows WHERE series = $series AND ts IN (${stale.join(' UNION ')}) AND ts NOT IN ${made}`, {series})
  return r.rowsChanged
}

/** `--sessions-only` needs sessions to keep to: an intraday source, and a market not guessed from the bars. */
function checkSessionsOnly(given: MarketInfo, from: Timeframe): void {
  if (from.ms >= DAY_MS) {
    throw new BotsError(`--sessions-only: ${from.text} bars are whole sessions already`, {code: 'data.resample', hint: 'it leaves out intraday bars outside the market\'s sessions (pre- and after-market); drop it for daily sources'})
  }
  if (given.source === 'bars' || alwaysOpen(given.spec)) {
    throw new BotsError(`--sessions-only needs a market with sessions to keep to${given.source === 'bars' ? ': without --market, the hours are guessed from the bars themselves, extended hours included' : ` (${given.name} is always open)`}`, {
      code: 'data.resample',
      hint: 'give --market NYSE, or --market "ZONE HH:MM-HH:MM" (Monday to Friday)',
    })
  }
}

function checkRatio(from: Timeframe, to: Timeframe): void {
  if (!canResample(from, to)) {
    throw new BotsError(`cannot resample ${from.text} bars to ${to.text}`, {
      code: 'data.resample',
      hint: 'the target must be longer, and a whole multiple of the source (e.g. 1M → 5M, 1H, 1D; 5M → 15M)',
    })
  }
}
