/**
 * Stage one file into a table of its own (`stageTables`): one row per data row (in file order),
 * the bar's open time in UTC (`ts`), OHLCV as DOUBLE, and the first per-row rule it breaks
 * (`reason`). Everything runs in one DuckDB query so a million rows take a fraction of a second.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import {chunkDoubles} from './chunk-copy.js'
import type {ColumnRoles} from './columns.js'
import type {Timeframe} from './timeframe.js'
import {misalignedSql, rawTimeSql, type TimeSql} from './time-expr.js'
import {quoteIdent} from './source.js'
import {CHUNKS_PER_RELEASE, releaseChunks} from './release-chunks.js'
import {resolveRepeatedHours, type RepeatedHourRule} from './repeated-hour.js'

/**
 * The stage tables live in an in-memory database attached to the store's instance, not in temp
 * tables: every connection of the instance sees them (a temp table is its own connection's alone),
 * so a second connection can check a file's order while the first one writes it (import.ts), and
 * nothing of them is ever written to the store's file.
 */
export const STAGE_DB = 'bots_stage'

/**
 * Attaches STAGE_DB to the instance of `conn` (once per instance; later calls do nothing). The
 * attaches of this process take turns: two at once on one instance race inside DuckDB, and the
 * loser fails with "already exists" despite IF NOT EXISTS (seen with three imports at once).
 */
export function attachStage(conn: DuckDBConnection): Promise<void> {
  const mine = attaching.catch(() => {}).then(async () => {
    await conn.run(`ATTACH IF NOT EXISTS ':memory:' AS ${STAGE_DB}`)
  })
  attaching = mine
  return mine
}

let attaching: Promise<void> = Promise.resolve()

let imports = 0

/** The stage tables of one import's `count` files: unique in the process, as imports into one store may run at once. */
export function stageTables(count: number): string[] {
  const id = ++imports
  return Array.from({length: count}, (_, i) => `${STAGE_DB}.import_${id}_${i}`)
}

/** Rule codes in the order they are checked: a row is reported for the first one it breaks. */
export const RULES = ['unparsable', 'price', 'ohlc', 'volume', 'alignment', 'duplicate', 'unsorted'] as const
export type Rule = (typeof RULES)[number]

export async function createStage(
  conn: DuckDBConnection,
  table: string,
  source: string,
  roles: ColumnRoles,
  tf: Timeframe,
  time: TimeSql,
  params: Record<string, DuckDBValue>,
): Promise<number> {
  const num = (c: {name: string}) => `TRY_CAST(${quoteIdent(c.name)} AS DOUBLE)`
  // 'infinity' and '-infinity' read as timestamps but are no bar's time: unparsable.
  // Row numbers are the stage's rowid + 1: CREATE TABLE AS keeps the file's order, and this is
  // cheaper than row_number() over a million rows. (Outside a transaction only: inside one, new
  // rows get provisional rowids.)
  const sql = `CREATE OR REPLACE TABLE ${table} AS
    SELECT ts, o, h, l, c, v,
      CASE WHEN t0 IS NULL OR NOT isfinite(t0) THEN t_raw END AS t_raw,
      CASE
        WHEN t0 IS NULL OR NOT isfinite(t0) OR o IS NULL OR h IS NULL OR l IS NULL OR c IS NULL OR v IS NULL THEN 'unparsable'
        WHEN NOT (isfinite(o) AND isfinite(h) AND isfinite(l) AND isfinite(c)) OR o <= 0 OR h <= 0 OR l <= 0 OR c <= 0 THEN 'price'
        WHEN h < greatest(o, c) OR l > least(o, c) THEN 'ohlc'
        WHEN NOT isfinite(v) OR v < 0 THEN 'volume'
        WHEN ${misalignedSql(time, tf)} THEN 'alignment'
      END AS reason,
      NULL::BIGINT AS other_row
    FROM (
      SELECT ${time.utc} AS ts, * FROM (
        SELECT ${time.value} AS t0, ${rawTimeSql(roles)} AS t_raw,
          ${num(roles.open)} AS o, ${num(roles.high)} AS h, ${num(roles.low)} AS l, ${num(roles.close)} AS c,
          ${roles.volume ? num(roles.volume) : '0::DOUBLE'} AS v
        FROM ${source}
      )
    )`
  const result = await conn.run(sql, params)
  return result.rowsChanged
}

/** What `markOrderProblems` found. */
export interface OrderProblems {
  /** Rows marked `duplicate` or `unsorted`. */
  marked: number
  /**
   * The file runs newest first (more of its steps fall than rise): its rows are stored in time
   * order, and a row that breaks the file's own order is the unsorted one.
   */
  newestFirst: boolean
  /** Rows of a fall-back's repeated hour moved to daylight time (repeated-hour.ts). */
  repeatedHour: number
}

/**
 * Duplicate and out-of-order timestamps among the rows that passed the per-row rules. A quick
 * pass proves the common case (strictly increasing; skipped when `inFileOrder` already said no);
 * only otherwise are the rows classified. First a file of naive local times (`repeatedHour`) gets
 * a fall-back's repeated hour read in the file's order (repeated-hour.ts). Then a repeat of an
 * earlier row's time is a duplicate (the first one is kept), and a row is unsorted when it steps
 * against the file's direction: earlier than the row before it, or, in a file that runs newest
 * first (many exports do: more of its steps fall than rise), earlier than the row after it.
 */
export async function markOrderProblems(conn: DuckDBConnection, table: string, knownUnordered = false, repeatedHour?: RepeatedHourRule): Promise<OrderProblems> {
  if (!knownUnordered && (await inFileOrder(conn, table))) return {marked: 0, newestFirst: false, repeatedHour: 0}
  const steps = (
    await conn.runAndReadAll(
      `SELECT count_if(ts > prev)::DOUBLE AS up, count_if(ts < prev)::DOUBLE AS down
       FROM (SELECT ts, lag(ts) OVER (ORDER BY rowid) AS prev FROM ${table} WHERE reason IS NULL)`,
    )
  ).getRowObjectsJS()[0] as {up: number; down: number}
  const newestFirst = Number(steps.down) > Number(steps.up)
  const moved = repeatedHour === undefined ? 0 : await resolveRepeatedHours(conn, table, repeatedHour, newestFirst)
  const dup = await conn.run(
    `UPDATE ${table} AS s SET reason = 'duplicate', other_row = d.first_row
     FROM (SELECT ts, min(rowid) AS first_row FROM ${table} WHERE reason IS NULL GROUP BY ts HAVING count(*) > 1) AS d
     WHERE s.ts = d.ts AND s.reason IS NULL AND s.rowid > d.first_row`,
  )
  // Read in the file's direction: bottom up for a newest-first file.
  const order = newestFirst ? 'rowid DESC' : 'rowid'
  const unsorted = await conn.run(
    `UPDATE ${table} AS s SET reason = 'unsorted', other_row = b.prev_row
     FROM (
       SELECT rowid AS r, ts, lag(ts) OVER (ORDER BY ${order}) AS prev_ts, lag(rowid) OVER (ORDER BY ${order}) AS prev_row
       FROM ${table} WHERE reason IS NULL
     ) AS b
     WHERE s.rowid = b.r AND b.ts < b.prev_ts`,
  )
  return {marked: dup.rowsChanged + unsorted.rowsChanged, newestFirst, repeatedHour: moved}
}

/**
 * The quick pass: are the times of the rows that passed the per-row rules strictly increasing in
 * file order (rowid order)? A window `lag(ts) OVER (ORDER BY rowid)` answered it but sorted a copy
 * of the table, the import's peak memory (+25 to +55 MB for a million rows); a plain scan streams
 * in storage order, which is rowid order, and is checked chunk by chunk as it comes (holding no
 * column). The rowids come along, so a scan in any other order reads as "no", and "no" only costs
 * the exact classification, which then marks nothing. As doubles, microseconds far from 1970 may
 * round, but rounding keeps order: a repeat or a step back never reads as a step forward.
 */
export async function inFileOrder(conn: DuckDBConnection, table: string): Promise<boolean> {
  const result = await conn.stream(`SELECT rowid::DOUBLE, epoch_us(ts)::DOUBLE FROM ${table} WHERE reason IS NULL`)
  let lastRow = -Infinity
  let lastUs = -Infinity
  for (let chunks = 1; ; chunks++) {
    const chunk = await result.fetchChunk()
    if (!chunk || chunk.rowCount === 0) return true
    const n = chunk.rowCount
    const row = chunkDoubles(chunk, 0, n)
    const us = chunkDoubles(chunk, 1, n)
    for (let i = 0; i < n; i++) {
      if (!(us[i] > lastUs && row[i] > lastRow)) return false
      lastUs = us[i]
      lastRow = row[i]
    }
    if (chunks % CHUNKS_PER_RELEASE === 0) await releaseChunks()
  }
}
