/**
 * Resampling in DuckDB: bars of one timeframe → a longer one, stored under the new timeframe
 * (upsert, one transaction). OHLCV: first open, max high, min low, last close, sum of volume.
 *
 * Buckets follow the market's wall clock in `timezone`:
 * - shorter than a day: cut where the local clock is a multiple of the timeframe (1H bars start
 *   at local :00, also in zones with a :30 offset); a DST change never merges two real hours.
 * - a day or longer: cut at local midnight, so a daily bar is the session day in the market's
 *   zone, not the UTC day; its time is 00:00 local of that date. Weeks start on Monday.
 * Buckets are made only from bars that exist: no bar is invented for a gap.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {DAY_MS} from '../model/time.js'
import {BotsError} from '../core/errors.js'
import {assertSeriesExists, rangeFilter} from './load-bars.js'
import {inTransaction, withConnection, type Store} from './store.js'
import {canResample, toTimeframe, type Timeframe} from './timeframe.js'
import {checkTimezone} from './timezone.js'
import {upsertBars} from './upsert.js'

export interface ResampleOptions {
  symbol: string
  from: string | number
  to: string | number
  /** Default: the zone of the symbol's latest import, else UTC. */
  timezone?: string
  start?: number
  end?: number
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
  /** Buckets (shorter than a day) that got fewer source bars than they span. */
  partial: number
  first: string | null
  last: string | null
}

const OUT = 'bots_resampled'

export async function resampleBars(store: Store, opts: ResampleOptions): Promise<ResampleResult> {
  if (store.readOnly) throw new Error('bug: resampleBars needs a store opened read-write')
  const from = toTimeframe(opts.from)
  const to = toTimeframe(opts.to)
  checkRatio(from, to)
  return withConnection(store, async (conn) => {
    const timezone = await checkTimezone(conn, opts.timezone ?? (await importTimezone(conn, opts.symbol)) ?? 'UTC')
    await assertSeriesExists(conn, opts.symbol, from.text)
    const {where, params} = rangeFilter(opts.symbol, from.text, opts.start, opts.end)
    const local = `timezone($tz, timezone('UTC', ts))` // naive UTC → naive local wall clock
    const bucket =
      to.ms < DAY_MS
        ? `make_timestamp_ms((epoch_ms(ts) - (((epoch_ms(${local}) % ${to.ms}) + ${to.ms}) % ${to.ms}))::BIGINT)`
        : // days since Monday 1970-01-05, floored to the timeframe; then that date's local midnight in UTC
          `make_timestamp(epoch_us(timezone($tz, (DATE '1970-01-05' + (floor((CAST(${local} AS DATE) - DATE '1970-01-05') / ${to.ms / DAY_MS}) * ${to.ms / DAY_MS})::INTEGER)::TIMESTAMP)))`
    try {
      await conn.run(
        `CREATE OR REPLACE TEMP TABLE ${OUT} AS
         SELECT bucket AS ts, arg_min(open, ts) AS o, max(high) AS h, min(low) AS l, arg_max(close, ts) AS c, sum(volume) AS v,
           count(*) AS n
         FROM (SELECT ${bucket} AS bucket, * FROM bars WHERE ${where}) GROUP BY bucket`,
        {...params, tz: timezone},
      )
      const counts = await inTransaction(conn, () => upsertBars(conn, opts.symbol, to.text, OUT))
      const s = (
        await conn.runAndReadAll(
          `SELECT sum(n)::DOUBLE AS source, count(*)::DOUBLE AS rows, count(*) FILTER (WHERE n < $per)::DOUBLE AS partial,
             strftime(min(ts), '%Y-%m-%dT%H:%M:%SZ') AS first, strftime(max(ts), '%Y-%m-%dT%H:%M:%SZ') AS last FROM ${OUT}`,
          {per: to.ms < DAY_MS ? to.ms / from.ms : 0},
        )
      ).getRowObjectsJS()[0]
      return {
        symbol: opts.symbol, from: from.text, to: to.text, timezone,
        sourceRows: Number(s.source ?? 0), rows: Number(s.rows), new: counts.new, replaced: counts.replaced, partial: Number(s.partial),
        first: (s.first as string | null) ?? null, last: (s.last as string | null) ?? null,
      }
    } finally {
      await conn.run(`DROP TABLE IF EXISTS temp.${OUT}`)
    }
  })
}

function checkRatio(from: Timeframe, to: Timeframe): void {
  if (!canResample(from, to)) {
    throw new BotsError(`cannot resample ${from.text} bars to ${to.text}`, {
      code: 'data.resample',
      hint: 'the target must be longer, and a whole multiple of the source (e.g. 1M → 5M, 1H, 1D; 5M → 15M)',
    })
  }
}

/** The zone the symbol's most recent import read its times in: the market's zone, most likely. */
export async function importTimezone(conn: DuckDBConnection, symbol: string): Promise<string | undefined> {
  const r = await conn.runAndReadAll(`SELECT timezone FROM imports WHERE symbol = $symbol ORDER BY id DESC LIMIT 1`, {symbol})
  return r.getRowObjectsJS()[0]?.timezone as string | undefined
}
