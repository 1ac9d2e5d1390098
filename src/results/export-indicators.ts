/**
 * `--out DIR`: the strategy's indicator values as indicators.csv and indicators.parquet, one row
 * per bar and symbol (`time`, `symbol`, then one column per indicator output; empty before an
 * indicator has a value). Written by DuckDB from a temporary table, each file under a temporary
 * name and renamed into place, as the trades and equity files are.
 */
import {renameSync, rmSync} from 'node:fs'
import path from 'node:path'
import type {DuckDBConnection} from '@duckdb/node-api'
import type {Bars} from '../model/bars.js'
import type {IndicatorSeries} from '../model/strategy.js'
import {appendColumns, type Column} from '../data/append-columns.js'
import type {ExportedFile} from './export-files.js'

export interface SymbolIndicators {
  bars: Bars
  series: IndicatorSeries[]
}

export async function exportIndicatorFiles(conn: DuckDBConnection, perSymbol: SymbolIndicators[], dir: string): Promise<ExportedFile[]> {
  const columns = [...new Set(perSymbol.flatMap((s) => s.series.map((c) => c.column)))]
  if (columns.length === 0) return []
  const quoted = columns.map(ident)
  await conn.run(`CREATE OR REPLACE TEMP TABLE export_indicators (time TIMESTAMP, symbol VARCHAR, ${quoted.map((q) => `${q} DOUBLE`).join(', ')})`)
  try {
    for (const {bars, series} of perSymbol) {
      const n = bars.length
      const byName = new Map(series.map((c) => [c.column, c.values]))
      const cols: Column[] = [
        {type: 'timestamp', values: bars.time.subarray(0, n)},
        {type: 'varchar', values: new Array<string>(n).fill(bars.symbol)},
        ...columns.map((c): Column => ({type: 'double', values: byName.get(c) ?? new Float64Array(n).fill(NaN)})),
      ]
      await appendColumns(conn, 'export_indicators', cols, n)
    }
    // NaN (no value yet) becomes NULL: an empty CSV field, a null in Parquet.
    const select = `SELECT time, symbol, ${quoted.map((q) => `CASE WHEN isnan(${q}) THEN NULL ELSE ${q} END AS ${q}`).join(', ')} FROM export_indicators ORDER BY symbol, time`
    const files: ExportedFile[] = []
    for (const format of ['csv', 'parquet'] as const) {
      const target = path.join(path.resolve(dir), `indicators.${format}`)
      const temp = path.join(path.resolve(dir), `.indicators.${format}.${process.pid}.tmp`)
      const options = format === 'csv' ? `FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%gZ'` : 'FORMAT parquet'
      try {
        await conn.run(`COPY (${select}) TO '${temp.replaceAll("'", "''")}' (${options})`)
        renameSync(temp, target)
      } catch (e) {
        rmSync(temp, {force: true})
        throw e
      }
      files.push({table: 'indicators', format, path: target})
    }
    return files
  } finally {
    await conn.run('DROP TABLE IF EXISTS export_indicators')
  }
}

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
