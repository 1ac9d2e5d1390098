/**
 * Reading a file with DuckDB: format detection, its columns (DuckDB's sniffed types for CSV),
 * and the table-function SQL that reads it with declared types. The path is always a bound
 * parameter (`$file`); column names come from the file's own header and are quoted as identifiers.
 */
import {statSync} from 'node:fs'
import path from 'node:path'
import type {DuckDBConnection} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
import {notRegularKind} from '../core/regular-file.js'
import type {ColumnRoles, SourceColumn} from './columns.js'
import {readCsvHead} from './csv-head.js'

export type FileFormat = 'csv' | 'parquet'

/** Names of the temp tables where DuckDB stores CSV rows it could not read. */
export const REJECTS_TABLE = 'bots_csv_rejects'
export const REJECTS_SCAN = 'bots_csv_scans'

export function detectFormat(file: string, given?: FileFormat): FileFormat {
  if (given) return given
  return /\.(parquet|pq)$/i.test(file) ? 'parquet' : 'csv'
}

/** Fail early, with the path, when the file is missing or not a file. */
export function checkFile(file: string): {size: number; mtimeMs: number} {
  let st
  try {
    st = statSync(file)
  } catch {
    throw new BotsError(`file not found: ${file}`, {code: 'data.file-missing', file, hint: 'check the path'})
  }
  // Only regular files (symlinks followed): a FIFO would block the read, a device never end.
  const kind = notRegularKind(st)
  if (kind !== undefined) {
    throw new BotsError(`not a regular file: ${file} is ${kind}`, {code: 'data.file-missing', file, hint: 'point the data path at a CSV or Parquet file'})
  }
  return {size: st.size, mtimeMs: st.mtimeMs}
}

export interface SourceInfo {
  columns: SourceColumn[]
  /** CSV only. */
  delimiter?: string
  /** CSV only: numbers are written `1234,56` (files separated by `;`, as spreadsheets in many locales write them). */
  decimalComma?: boolean
  estimatedRows: number
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * `20200102` and `20200102093000` are dates written without separators, not epoch numbers (as
 * epoch seconds or milliseconds they would fall in 1970 or in the year 5138).
 */
export const COMPACT_DATE_RE = /^(19|20)\d{6}(\d{6})?$/

/** strptime format for a compact date value, when the file has one and no format was given. */
export function compactDateFormat(value: string | undefined): string | undefined {
  if (value === undefined || !COMPACT_DATE_RE.test(value)) return undefined
  return value.length === 8 ? '%Y%m%d' : '%Y%m%d%H%M%S'
}

/** The file's columns. CSV: from our own header reading; a column whose first value is a number is typed DOUBLE. */
/** A number written with a decimal comma (`10,5`), as spreadsheets in many locales write them. */
export const DECIMAL_COMMA = /^[+-]?\d+,\d+$/
const DECIMAL_POINT = /^[+-]?\d*\.\d+$/

export async function describeSource(conn: DuckDBConnection, file: string, format: FileFormat, size: number): Promise<SourceInfo> {
  if (format === 'csv') {
    const head = readCsvHead(file, size)
    if (head.names.length < 2) {
      throw new BotsError(`cannot read ${path.basename(file)} as CSV: the first line has fewer than two columns`, {
        code: 'data.unreadable',
        file,
        line: 1,
        hint: 'the first line must be a header such as Date,Open,High,Low,Close,Volume (separated by , ; tab or |); for Parquet pass --format parquet',
      })
    }
    // Each column's first non-empty value decides its type: an empty first time left an epoch
    // column text, so every row was unreadable. The sampled rows decide a decimal comma: one first
    // seen after the first row rejected every row that had one.
    const columns = head.names.map((name, i) => {
      const values = head.rows.map((r) => r[i] ?? '')
      const first = head.rows.length === 0 ? undefined : (values.find((v) => v !== '') ?? '')
      // Written so by more of the sampled values than write a decimal point (integers say neither).
      const decimalComma = head.delimiter !== ',' && values.filter((v) => DECIMAL_COMMA.test(v)).length > values.filter((v) => DECIMAL_POINT.test(v)).length
      return {name, type: NUMBER_RE.test(first ?? '') && !COMPACT_DATE_RE.test(first!) ? 'DOUBLE' : 'VARCHAR', first, decimalComma}
    })
    // A candidate only: the import narrows it to the columns it reads as numbers (import.ts, planFile).
    const decimalComma = columns.some((c) => c.decimalComma)
    return {columns, delimiter: head.delimiter, decimalComma, estimatedRows: head.estimatedRows}
  }
  try {
    const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet($file)`, {file})
    const columns = reader.getRowObjectsJS().map((r) => ({name: String(r.column_name), type: String(r.column_type)}))
    const meta = await conn.runAndReadAll(`SELECT sum(num_rows)::DOUBLE AS n FROM parquet_file_metadata($file)`, {file})
    return {columns, estimatedRows: Number(meta.getRowObjectsJS()[0].n ?? 0)}
  } catch (e) {
    throw new BotsError(`cannot read ${path.basename(file)} as Parquet: ${firstLine((e as Error).message)}`, {
      code: 'data.unreadable',
      file,
      hint: 'is it a Parquet file? for CSV pass --format csv',
    })
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

function quoteString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`
}

/**
 * SQL for the rows of the file, in file order. CSV: price and volume columns are read
 * as DOUBLE and every other column as VARCHAR (so an odd value in a column we ignore cannot reject
 * a row); rows DuckDB cannot read go to REJECTS_TABLE with their line numbers. With `sample`, only
 * the first rows, and nothing recorded (for detection before the real read).
 */
export function sourceSql(format: FileFormat, info: SourceInfo, roles: ColumnRoles, sample?: number): string {
  const limit = sample ? ` LIMIT ${sample}` : ''
  if (format === 'parquet') return `(SELECT * FROM read_parquet($file)${limit})`
  const numeric = new Set([roles.open, roles.high, roles.low, roles.close, roles.volume].filter(Boolean).map((c) => c!.name))
  const types = info.columns.map((c) => `${quoteString(c.name)}: '${numeric.has(c.name) ? 'DOUBLE' : 'VARCHAR'}'`).join(', ')
  const read = `read_csv($file, auto_detect = false, header = true, delim = ${quoteString(info.delimiter ?? ',')},
    quote = '"', escape = '"', columns = {${types}}, ignore_errors = true${info.decimalComma ? `, decimal_separator = ','` : ''}`
  // A sample's reader gets a 2 MB buffer (max_line_size, the least DuckDB accepts): with the
  // default 32 MB, reading 5,000 rows cost ~115 ms, most of it faulting in the buffer's pages.
  if (sample) return `(SELECT * FROM ${read}, buffer_size = 2097152)${limit})`
  // 8 MB read buffers (DuckDB's default is 32 MB per thread): the same speed, ~25 MB less at the
  // import's peak. Still four times the longest line DuckDB accepts (max_line_size, 2 MB).
  return `(SELECT * FROM ${read}, buffer_size = 8388608, store_rejects = true, rejects_table = '${REJECTS_TABLE}', rejects_scan = '${REJECTS_SCAN}'))`
}

/** Forget the rows DuckDB rejected in an earlier read on this connection. */
export async function clearCsvRejects(conn: DuckDBConnection): Promise<void> {
  await conn.run(`DROP TABLE IF EXISTS temp.${REJECTS_TABLE}; DROP TABLE IF EXISTS temp.${REJECTS_SCAN}`)
}

function firstLine(s: string): string {
  return s.split('\n')[0]
}
