/**
 * Write bars for one (symbol, timeframe): rows whose ts is already stored are replaced, the rest
 * added. `bars` has no unique index (it would make big inserts several times slower), so this is
 * the one place that keeps (symbol, timeframe, ts) unique: delete the overlap, then insert, inside
 * the caller's transaction. The source must not repeat a ts.
 */
import type {DuckDBConnection} from '@duckdb/node-api'

export interface UpsertCounts {
  new: number
  replaced: number
}

/** `source` is a trusted SQL relation with columns ts, o, h, l, c, v (e.g. a filtered temp table). */
export async function upsertBars(conn: DuckDBConnection, symbol: string, timeframe: string, source: string): Promise<UpsertCounts> {
  const params = {symbol, timeframe}
  // The common first import overlaps nothing: a cheap range count (zone maps) skips the delete's
  // hash join over every incoming row.
  const overlap = await conn.runAndReadAll(
    `SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = $symbol AND timeframe = $timeframe
       AND ts BETWEEN (SELECT min(ts) FROM ${source}) AND (SELECT max(ts) FROM ${source})`,
    params,
  )
  const deleted =
    Number(overlap.getRowObjectsJS()[0].n) === 0
      ? {rowsChanged: 0}
      : await conn.run(`DELETE FROM bars WHERE symbol = $symbol AND timeframe = $timeframe AND ts IN (SELECT ts FROM ${source})`, params)
  const inserted = await conn.run(
    `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume)
     SELECT $symbol, $timeframe, ts, o, h, l, c, v FROM ${source}`,
    params,
  )
  return {new: inserted.rowsChanged - deleted.rowsChanged, replaced: deleted.rowsChanged}
}
