/**
 * Write bars for one (symbol, timeframe): rows whose ts is already stored are replaced, the rest
 * added. `bar_rows` has no unique index (it would make big inserts several times slower), so this is
 * the one place that keeps (symbol, timeframe, ts) unique: delete the overlap, then insert, inside
 * the caller's transaction. The source must not repeat a ts.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {createSeries, findSeries} from './bar-series.js'

export interface UpsertCounts {
  new: number
  replaced: number
}

/** Epoch microseconds of the first and last ts of an upsert's source. */
export interface SourceSpan {
  firstUs: number
  lastUs: number
}

/**
 * The series' id as the caller's transaction has it: looked up once and shared by the upserts of
 * that transaction (`id` undefined: not stored yet; the first upsert creates it and sets `id`).
 */
export interface SeriesSlot {
  id: number | undefined
}

export interface UpsertHints {
  /** The source's first and last ts (else they are read from it). */
  span?: SourceSpan
  /** The series as this transaction has it (else it is looked up). */
  series?: SeriesSlot
  /** Told once the insert has been sent to DuckDB, before it is awaited (staged-reader.ts). */
  onInsert?: () => void
}

/**
 * `source` is a trusted SQL relation with columns ts, o, h, l, c, v (e.g. a filtered temp table).
 * What the caller already knows (`hints`) is not asked of DuckDB again: while a backtest's first
 * run goes on beside an import's write (run-spec.ts), each statement waits for a free moment of
 * the busy main thread, so every round trip before the insert delays the whole command.
 */
export async function upsertBars(conn: DuckDBConnection, symbol: string, timeframe: string, source: string, hints: UpsertHints = {}): Promise<UpsertCounts> {
  const slot = hints.series ?? {id: await findSeries(conn, symbol, timeframe)}
  // A series made just now has no rows: every writer that deletes a series deletes its rows in
  // the same transaction (catalog.ts), so there is nothing to look for.
  const created = slot.id === undefined
  const params = {series: (slot.id ??= await createSeries(conn, symbol, timeframe))}
  const overlap = created ? 0 : await overlapCount(conn, params.series, source, hints.span)
  const deleted =
    overlap === 0
      ? {rowsChanged: 0}
      : await conn.run(`DELETE FROM bar_rows WHERE series = $series AND ts IN (SELECT ts FROM ${source})`, params)
  const insert = conn.run(
    `INSERT INTO bar_rows (series, ts, open, high, low, close, volume)
     SELECT $series, ts, o, h, l, c, v FROM ${source}`,
    params,
  )
  hints.onInsert?.()
  const inserted = await insert
  return {new: inserted.rowsChanged - deleted.rowsChanged, replaced: deleted.rowsChanged}
}

/**
 * Stored rows of the series within the source's time range. The common first import overlaps
 * nothing: this cheap range count (zone maps) spares the delete's hash join over every incoming row.
 */
async function overlapCount(conn: DuckDBConnection, series: number, source: string, span: SourceSpan | undefined): Promise<number> {
  const range = span
    ? `make_timestamp(${Math.trunc(span.firstUs)}::BIGINT) AND make_timestamp(${Math.trunc(span.lastUs)}::BIGINT)`
    : `(SELECT min(ts) FROM ${source}) AND (SELECT max(ts) FROM ${source})`
  const r = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bar_rows WHERE series = $series AND ts BETWEEN ${range}`, {series})
  return Number(r.getRowObjectsJS()[0].n)
}

/**
 * Runs `work` (a transaction that appends many bars) with DuckDB set to append them in order on
 * one thread. A parallel insert that keeps insertion order (bars stay in file order, so each row
 * group holds a compact ts range and loadBars reads them in time order) writes partial row groups
 * that the next checkpoint (at the latest when the store closes) rewrites whole: for a million
 * bars, ~0.5 s of insert then ~0.7 s of checkpoint. One thread appends full row groups in order,
 * which the checkpoint keeps as they are (~0.4 s in all, and a smaller file); flushing each row
 * group as it fills, not five at a time, keeps ~60 MB less in memory at no cost in time.
 *
 * Both are settings of the whole DuckDB instance (`instance`: the store's path, one instance per
 * file per process), so they are put back as they were, and two such writes to one instance take
 * turns: overlapping, the second would save the first one's settings and put those back.
 * Around the transaction, not inside it: after a failed statement DuckDB refuses every statement,
 * SET included, until the rollback.
 */
export async function appendingInOrder<T>(conn: DuckDBConnection, instance: string, work: () => Promise<T>): Promise<T> {
  const before = appending.get(instance) ?? Promise.resolve()
  const mine = before.catch(() => {}).then(() => withAppendSettings(conn, work))
  appending.set(instance, mine)
  try {
    return await mine
  } finally {
    if (appending.get(instance) === mine) appending.delete(instance)
  }
}

const appending = new Map<string, Promise<unknown>>()

async function withAppendSettings<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  // Saved and changed in one statement: under a busy main thread each round trip costs (upsertBars).
  // The saved values come back to JS and are put back as numbers: a SET from getvariable() that
  // found no variable would invalidate the whole DuckDB instance.
  const before = (
    await conn.runAndReadAll(
      `SET VARIABLE bots_append_settings = [current_setting('threads')::BIGINT, current_setting('write_buffer_row_group_count')::BIGINT];
       SET threads = 1; SET write_buffer_row_group_count = 1;
       SELECT getvariable('bots_append_settings')[1]::DOUBLE AS threads, getvariable('bots_append_settings')[2]::DOUBLE AS buffered`,
    )
  ).getRowObjectsJS()[0] as {threads: number; buffered: number}
  try {
    return await work()
  } finally {
    await conn.run(`SET threads = ${before.threads}; SET write_buffer_row_group_count = ${before.buffered}`)
  }
}
