/**
 * Gaps: consecutive bars further apart than one timeframe. They are reported, never filled. Each
 * gap gets a kind so the expected ones do not drown the rest:
 * - `overnight` (bars shorter than a day): the next bar is on a later local date, a session break;
 * - `weekend` (daily and longer): only Saturdays and Sundays are missing;
 * - `intraday` / `days`: bars missing inside a session, or weekdays missing (holidays included:
 *   without a market calendar the store cannot tell a holiday from a hole).
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {DAY_MS} from '../model/time.js'
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
