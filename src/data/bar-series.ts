/**
 * Bars are stored as `bar_rows (series, ts, open, high, low, close, volume)`, each series (one
 * symbol at one timeframe) named once in `bar_series (id, symbol, timeframe)`. Writing the symbol
 * and timeframe text into every row cost ~40 % of a million-bar import (string vectors to build,
 * then to compress at the checkpoint); a constant integer costs next to nothing.
 *
 * The view `bars` still shows the old shape (symbol, timeframe, ts, …) for every query that only
 * reads. The hot paths (loading bars, upserting, deleting) address `bar_rows` by series id
 * instead: a read through the view's join does not keep storage order, which loading relies on.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

/** The series' id, or undefined when the store has never held it. */
export async function findSeries(conn: DuckDBConnection, symbol: string, timeframe: string): Promise<number | undefined> {
  const r = await conn.runAndReadAll('SELECT id::DOUBLE AS id FROM bar_series WHERE symbol = $symbol AND timeframe = $timeframe', {symbol, timeframe})
  const row = r.getRowObjectsJS()[0]
  return row === undefined ? undefined : Number(row.id)
}

/**
 * A new series' id, for a caller that knows it is not stored. Call inside the writing transaction:
 * the store's write lock makes this process the only writer, so the max + 1 it takes cannot be
 * taken twice.
 */
export async function createSeries(conn: DuckDBConnection, symbol: string, timeframe: string): Promise<number> {
  const r = await conn.runAndReadAll(
    `INSERT INTO bar_series (id, symbol, timeframe) SELECT coalesce(max(id), 0) + 1, $symbol, $timeframe FROM bar_series RETURNING id::DOUBLE AS id`,
    {symbol, timeframe},
  )
  return Number(r.getRowObjectsJS()[0].id)
}

/** SQL selecting the ids of a symbol's series (one timeframe when `$timeframe` is bound too). */
export function seriesIds(withTimeframe: boolean): string {
  return `SELECT id FROM bar_series WHERE symbol = $symbol${withTimeframe ? ' AND timeframe = $timeframe' : ''}`
}
