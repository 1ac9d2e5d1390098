/**
 * `--out DIR`: a run's trades and equity as CSV and Parquet, written by DuckDB (`COPY … TO`) from
 * the results tables. Each file is written under a temporary name in DIR and renamed into place,
 * so a reader never sees half a file and an interrupted export leaves the old files whole.
 */
import {mkdirSync, renameSync, rmSync} from 'node:fs'
import path from 'node:path'
import type {DuckDBConnection} from '@duckdb/node-api'

/** Each file's query; `multiplier`: the trades get that column (see withMultiplier). */
const QUERIES = {
  trades: (id: number, multiplier: boolean) => `SELECT seq AS trade, symbol, side, quantity, entry_ts AS entry_time, entry_price, exit_ts AS exit_time, exit_price,
    commission, gross_pnl, net_pnl, return${multiplier ? ', multiplier' : ''} FROM run_trades WHERE run_id = ${id} ORDER BY seq`,
  equity: (id: number) => `SELECT ts AS time, value, benchmark FROM run_equity WHERE run_id = ${id} ORDER BY ts`,
}

export interface ExportedFile {
  table: 'trades' | 'equity' | 'indicators'
  format: 'csv' | 'parquet'
  path: string
}

export async function exportRunFiles(conn: DuckDBConnection, runId: number, dir: string): Promise<ExportedFile[]> {
  if (!Number.isSafeInteger(runId)) throw new Error(`bug: run id ${runId}`)
  const out = path.resolve(dir)
  mkdirSync(out, {recursive: true})
  const files: ExportedFile[] = []
  const multiplier = await withMultiplier(conn, runId)
  for (const table of ['trades', 'equity'] as const) {
    for (const format of ['csv', 'parquet'] as const) {
      const target = path.join(out, `${table}.${format}`)
      const temp = path.join(out, `.${table}.${format}.${process.pid}.tmp`)
      const options = format === 'csv' ? `FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ'` : 'FORMAT parquet'
      try {
        await conn.run(`COPY (${QUERIES[table](runId, multiplier)}) TO ${sqlString(temp)} (${options})`)
        renameSync(temp, target)
      } catch (e) {
        rmSync(temp, {force: true})
        throw e
      }
      files.push({table, format, path: target})
    }
  }
  return files
}

/**
 * Whether the run's trades files carry a `multiplier` column (last): only when a trade's contract
 * multiplier is not 1, as only then do its trades in --json have the key. Without it a futures
 * trade's gross P&L is not (exit − entry) × quantity; a plain run's files keep the columns they had.
 */
async function withMultiplier(conn: DuckDBConnection, runId: number): Promise<boolean> {
  const r = await conn.runAndReadAll('SELECT EXISTS (SELECT 1 FROM run_trades WHERE run_id = $1 AND multiplier <> 1) AS any', [runId])
  return r.getRowObjectsJS()[0].any === true
}

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}
