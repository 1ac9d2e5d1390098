/**
 * Rows DuckDB could not read while reading a CSV (its rejects table), and the mapping that turns
 * "the n-th row DuckDB produced" back into a data row of the file. A file can have a million
 * rejected lines (a decimal comma everywhere, say), so line numbers travel as a Float64Array and
 * only the rows that are listed become objects.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {copyDoubleChunks} from './chunk-copy.js'
import {REJECTS_TABLE} from './source.js'

async function hasRejects(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = '${REJECTS_TABLE}'`)
  return Number(r.getRowObjectsJS()[0].n) > 0
}

/** Distinct rejected line numbers (header = line 1), ascending. */
export async function csvRejectedLines(conn: DuckDBConnection): Promise<Float64Array> {
  if (!(await hasRejects(conn))) return new Float64Array(0)
  const n = Number((await conn.runAndReadAll(`SELECT count(DISTINCT line)::DOUBLE AS n FROM ${REJECTS_TABLE}`)).getRowObjectsJS()[0].n)
  const lines = new Float64Array(n)
  await copyDoubleChunks(await conn.stream(`SELECT DISTINCT line::DOUBLE FROM ${REJECTS_TABLE} ORDER BY 1`), [lines])
  return lines
}

/** What went wrong on the first `limit` rejected lines. */
export async function csvRejectMessages(conn: DuckDBConnection, limit: number): Promise<{line: number; message: string}[]> {
  if (limit <= 0 || !(await hasRejects(conn))) return []
  const rows = await conn.runAndReadAll(
    `SELECT line::DOUBLE AS line, first(error_type ORDER BY column_idx) AS kind, first(column_name ORDER BY column_idx) AS col,
       first(error_message ORDER BY column_idx) AS msg
     FROM ${REJECTS_TABLE} GROUP BY line ORDER BY line LIMIT $limit`,
    {limit},
  )
  return rows.getRowObjectsJS().map((r) => ({line: Number(r.line), message: csvMessage(String(r.kind), r.col as string | null, String(r.msg))}))
}

function csvMessage(kind: string, col: string | null, msg: string): string {
  if (kind === 'CAST') {
    const value = /string "(.*)" to/.exec(msg)?.[1]
    return `${col ?? 'a value'}${value === undefined ? '' : ` "${value}"`} is not a number`
  }
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(msg)
  if (counts) return `expected ${counts[1]} columns, found ${counts[2]}`
  return msg.split('\n')[0]
}

/**
 * Stage rows skip the data rows DuckDB rejected or never saw (blank lines). With those skipped
 * rows D_1 < D_2 < … (1-based), stage row r is data row r + k, where k counts the j with
 * D_j - j < r (D_j - j is how many rows were kept before D_j, so it never decreases).
 */
export class RowMapper {
  private readonly keptBefore: Float64Array

  constructor(skipped: Float64Array) {
    this.keptBefore = skipped.map((d, i) => d - (i + 1))
  }

  dataRow(stageRow: number): number {
    let lo = 0
    let hi = this.keptBefore.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.keptBefore[mid] < stageRow) lo = mid + 1
      else hi = mid
    }
    return stageRow + lo
  }
}

/** Sorted union of two ascending lists of data rows, without repeats. */
export function mergeRows(a: Float64Array, b: number[]): Float64Array {
  if (b.length === 0) return a
  return Float64Array.from(new Set([...a, ...b])).sort()
}
