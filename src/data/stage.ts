/**
 * Stage one file into a table of its own (`stageTables`): one row per data row (in file order),
 * the bar's open time in UTC (`ts`), OHLCV as DOUBLE, and the first per-row rule it breaks
 * (`reason`). Everything runs in one DuckDB query so a million rows take a fraction of a second.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import {appendColumns} from './append-columns.js'
import {chunkDoubles, copyDoubleChunks} from './chunk-copy.js'
import {outsideLongestIncreasing} from './longest-increasing.js'
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
export const RULES = ['unparsable', 'nonexistent', 'price', 'ohlc', 'volume', 'alignment', 'duplicate', 'unsorted'] as const
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
  // A local time the zone skips (02:30 on a spring-forward night) is read by DuckDB as the hour
  // after; it would then replace that hour's own bar as its duplicate (found by an audit).
  const skipped = time.wall === undefined ? 'false' : `coalesce(t_wall <> CAST(t_in AS TIMESTAMP), false)`
  const sql = `CREATE OR REPLACE TABLE ${table} AS
    SELECT ts, o, h, l, c, v,
      CASE WHEN t0 IS NULL OR NOT isfinite(t0) OR t_skipped THEN t_raw END AS t_raw,
      CASE
        WHEN t0 IS NULL OR NOT isfinite(t0) OR o IS NULL OR h IS NULL OR l IS NULL OR c IS NULL OR v IS NULL THEN 'unparsable'
        WHEN t_skipped THEN 'nonexistent'
        WHEN NOT (isfinite(o) AND isfinite(h) AND isfinite(l) AND isfinite(c)) OR o <= 0 OR h <= 0 OR l <= 0 OR c <= 0 THEN 'price'
        WHEN h < greatest(o, c) OR l > least(o, c) THEN 'ohlc'
        WHEN NOT isfinite(v) OR v < 0 THEN 'volume'
        WHEN ${misalignedSql(time, tf)} THEN 'alignment'
      END AS reason,
      NULL::BIGINT AS other_row
    FROM (
      SELECT ${time.utc} AS ts, * FROM (
        SELECT ${time.shiftOf('t_in')} AS t0, ${skipped} AS t_skipped, * FROM (
          SELECT ${time.parsed} AS t_in, ${time.wall ?? 'NULL::TIMESTAMP'} AS t_wall, ${rawTimeSql(roles)} AS t_raw,
            ${num(roles.open)} AS o, ${num(roles.high)} AS h, ${num(roles.low)} AS l, ${num(roles.close)} AS c,
            ${roles.volume ? num(roles.volume) : '0::DOUBLE'} AS v
          FROM ${source}
        )
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
  /**
   * Rows kept though out of the file's order: blocks of consecutive rows that are in order among
   * themselves but placed elsewhere in the file (`markUnsorted`). They are stored in time order.
   */
  misplaced: number
}

/**
 * Duplicate and out-of-order timestamps among the rows that passed the per-row rules. A quick
 * pass proves the common case (strictly increasing; skipped when `inFileOrder` already said no);
 * only otherwise are the rows classified. First a file of naive local times (`repeatedHour`) gets
 * a fall-back's repeated hour read in the file's order (repeated-hour.ts). Then a repeat of an
 * earlier row's time is a duplicate (the first one is kept), and of the rest the fewest rows that
 * leave the file in order are unsorted (`markUnsorted`). The file's direction is oldest first,
 * or newest first when more of its steps fall than rise (many exports run so).
 */
export async function markOrderProblems(conn: DuckDBConnection, table: string, knownUnordered = false, repeatedHour?: RepeatedHourRule): Promise<OrderProblems> {
  if (!knownUnordered && (await inFileOrder(conn, table))) return {marked: 0, newestFirst: false, repeatedHour: 0, misplaced: 0}
  // The steps are counted off the times the unsorted rule reads anyway: a window lag(ts) over the
  // rows sorted a copy of the table for it. They are read again only if a rule below changed them.
  let staged = await readTimes(conn, table)
  const newestFirst = fallingSteps(staged.times)
  const moved = repeatedHour === undefined ? 0 : await resolveRepeatedHours(conn, table, repeatedHour, newestFirst)
  const dup = await conn.run(
    `UPDATE ${table} AS s SET reason = 'duplicate', other_row = d.first_row
     FROM (SELECT ts, min(rowid) AS first_row FROM ${table} WHERE reason IS NULL GROUP BY ts HAVING count(*) > 1) AS d
     WHERE s.ts = d.ts AND s.reason IS NULL AND s.rowid > d.first_row`,
  )
  if (moved > 0 || dup.rowsChanged > 0) staged = await readTimes(conn, table)
  const unsorted = await markUnsorted(conn, table, staged, newestFirst)
  return {marked: dup.rowsChanged + unsorted.marked, newestFirst, repeatedHour: moved, misplaced: unsorted.misplaced}
}

/** The rows that passed the per-row rules in file order: rowids, and times as epoch microseconds. */
interface StagedTimes {
  rowids: Float64Array
  times: Float64Array
}

/**
 * Streamed into typed arrays as `inFileOrder` reads them (16 MB for a million rows), not read as
 * row objects.
 */
async function readTimes(conn: DuckDBConnection, table: string): Promise<StagedTimes> {
  const n = Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${table} WHERE reason IS NULL`)).getRowObjectsJS()[0].n)
  const rowids = new Float64Array(n)
  const times = new Float64Array(n)
  const read = async (order: string) =>
    copyDoubleChunks(await conn.stream(`SELECT rowid::DOUBLE, epoch_us(ts)::DOUBLE FROM ${table} WHERE reason IS NULL${order}`), [rowids, times])
  await read('')
  // A plain scan comes in storage order, which is rowid order (inFileOrder); sorting for it cost
  // memory and time, so it is only asked for if a scan ever came otherwise.
  if (!increasing(rowids)) await read(' ORDER BY rowid')
  return {rowids, times}
}

/** Whether more of the steps from row to row fall than rise: the file runs newest first. */
function fallingSteps(times: Float64Array): boolean {
  let up = 0
  let down = 0
  for (let i = 1; i < times.length; i++) {
    if (times[i] > times[i - 1]) up++
    else if (times[i] < times[i - 1]) down++
  }
  return down > up
}

/**
 * Marks unsorted the rows outside a longest strictly increasing run of the times in the file's
 * direction (longest-increasing.ts): the fewest rows whose removal leaves the rest in order, so a
 * typo that jumps forward drops that row, not the good one after it. Of equally few, those lower
 * in the file go, in either direction. Each one's `other_row` is a kept row it conflicts with: the
 * nearest before it in the file with a later time (newest first: an earlier one), else the
 * nearest after it with an earlier (later) time. Blocks out of place are kept (`singleRowsOnly`).
 * The marks go back in one UPDATE from a temp table, appended a chunk's bytes at a time (a VALUES
 * list would be SQL text to parse per row).
 */
async function markUnsorted(conn: DuckDBConnection, table: string, {rowids, times}: StagedTimes, newestFirst: boolean): Promise<{marked: number; misplaced: number}> {
  // In place: nothing reads the times after this. Classifying takes 13 MB more (a million rows).
  if (newestFirst) for (let i = 0; i < times.length; i++) times[i] = -times[i]
  const outside = outsideLongestIncreasing(times)
  const {rows, other} = singleRowsOnly(outside.rows, outside.other, times)
  const misplaced = outside.rows.length - rows.length
  const m = rows.length
  if (m === 0) return {marked: 0, misplaced}
  const marks = `bots_unsorted_${++unsortedTables}`
  const r = new Float64Array(m)
  const o = new Float64Array(m)
  for (let k = 0; k < m; k++) {
    r[k] = rowids[rows[k]]
    o[k] = rowids[other[k]]
  }
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${marks} (r DOUBLE, o DOUBLE)`)
  try {
    await appendColumns(conn, marks, [{type: 'double', values: r}, {type: 'double', values: o}], m, true)
    const marked = await conn.run(
      `UPDATE ${table} AS s SET reason = 'unsorted', other_row = u.o::BIGINT FROM temp.main.${marks} AS u WHERE s.rowid = u.r::BIGINT`,
    )
    return {marked: marked.rowsChanged, misplaced}
  } finally {
    await conn.run(`DROP TABLE IF EXISTS temp.main.${marks}`)
  }
}

let unsortedTables = 0

/**
 * Of the rows outside the longest increasing run (file positions `rows`, ascending, and their
 * `other`), those to drop: a row out of place on its own (a typo's time, a swapped row). A block
 * of consecutive rows in order among themselves is data pasted or appended out of place (two
 * exports joined in the wrong order): its bars are good, and dropping them lost half a file of
 * two halves; they are kept and stored in time order (the caller counts them).
 */
function singleRowsOnly(rows: Int32Array, other: Int32Array, times: Float64Array): {rows: Int32Array; other: Int32Array} {
  const keep = new Uint8Array(rows.length)
  let kept = 0
  for (let a = 0; a < rows.length; ) {
    let b = a + 1
    while (b < rows.length && rows[b] === rows[b - 1] + 1 && times[rows[b]] > times[rows[b - 1]]) b++
    if (b - a === 1) {
      keep[a] = 1
      kept++
    }
    a = b
  }
  if (kept === rows.length) return {rows, other}
  const r = new Int32Array(kept)
  const o = new Int32Array(kept)
  for (let k = 0, j = 0; k < rows.length; k++) {
    if (keep[k] === 0) continue
    r[j] = rows[k]
    o[j++] = other[k]
  }
  return {rows: r, other: o}
}

function increasing(v: Float64Array): boolean {
  for (let i = 1; i < v.length; i++) if (!(v[i] > v[i - 1])) return false
  return true
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
