/**
 * Which file column holds what. Explicit mappings win (`--column open=PX_OPEN`, or `columns:` in a
 * spec); otherwise the usual header names are matched case-insensitively. `Adj Close` is never
 * taken for `close`: bars keep the unadjusted prices the file states.
 */
import {BotsError} from '../core/errors.js'
import type {ColumnMap} from '../model/bot-spec.js'

export type {ColumnMap}

export const COLUMN_KEYS = ['datetime', 'date', 'time', 'open', 'high', 'low', 'close', 'volume'] as const
export type ColumnKey = (typeof COLUMN_KEYS)[number]

export interface SourceColumn {
  name: string
  /** DuckDB type as sniffed (CSV) or declared (Parquet), e.g. `VARCHAR`, `DOUBLE`, `TIMESTAMP`. */
  type: string
  /** CSV: the first non-empty value among the first data rows (csv-head.ts). */
  first?: string
  /** CSV: some of those rows write this column's number with a decimal comma (`10,5`). */
  decimalComma?: boolean
}

export type TimeColumns = {kind: 'single'; column: SourceColumn} | {kind: 'split'; date: SourceColumn; time: SourceColumn}

export interface ColumnRoles {
  time: TimeColumns
  open: SourceColumn
  high: SourceColumn
  low: SourceColumn
  close: SourceColumn
  /** Absent: volume is stored as 0. */
  volume?: SourceColumn
}

const ALIASES: Record<ColumnKey, string[]> = {
  datetime: ['datetime', 'timestamp', 'date_time', 'date time', 'ts'],
  date: ['date', 'day'],
  time: ['time'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v'],
}

export function resolveColumns(columns: SourceColumn[], map: ColumnMap = {}, file?: string): ColumnRoles {
  const find = (key: ColumnKey): SourceColumn | undefined => {
    const explicit = map[key]
    if (explicit !== undefined) {
      const hit = columns.find((c) => c.name === explicit) ?? columns.find((c) => c.name.toLowerCase() === explicit.toLowerCase())
      if (!hit) {
        throw new BotsError(`column "${explicit}" (given for ${key}) is not in the file`, {
          code: 'data.column-missing',
          file,
          hint: `the file's columns are: ${columns.map((c) => c.name).join(', ')}`,
        })
      }
      return hit
    }
    for (const alias of ALIASES[key]) {
      const hit = columns.find((c) => c.name.trim().toLowerCase() === alias)
      if (hit) return hit
    }
    return undefined
  }
  const need = (key: ColumnKey): SourceColumn => {
    const hit = find(key)
    if (!hit) {
      throw new BotsError(`no ${key} column found`, {
        code: 'data.column-missing',
        file,
        hint: `the file's columns are: ${columns.map((c) => c.name).join(', ')}; name it with --column ${key}=NAME`,
      })
    }
    return hit
  }
  return {time: timeColumns(find, columns, map, file), open: need('open'), high: need('high'), low: need('low'), close: need('close'), volume: find('volume')}
}

function timeColumns(
  find: (key: ColumnKey) => SourceColumn | undefined,
  columns: SourceColumn[],
  map: ColumnMap,
  file?: string,
): TimeColumns {
  const datetime = map.date === undefined && map.time === undefined ? find('datetime') : undefined
  if (datetime) return {kind: 'single', column: datetime}
  const date = find('date')
  const time = find('time')
  if (date && time && date !== time) return {kind: 'split', date, time}
  const single = date ?? time ?? find('datetime')
  if (single) return {kind: 'single', column: single}
  throw new BotsError('no date or time column found', {
    code: 'data.column-missing',
    file,
    hint:
      `the file's columns are: ${columns.map((c) => c.name).join(', ')}; ` +
      'name it with --column datetime=NAME, or --column date=NAME --column time=NAME when they are split',
  })
}

/** Parse `key=NAME` pairs from the command line into a ColumnMap. */
export function parseColumnFlags(pairs: string[]): ColumnMap {
  const map: ColumnMap = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    const key = pair.slice(0, eq).trim().toLowerCase() as ColumnKey
    if (eq <= 0 || !COLUMN_KEYS.includes(key) || pair.slice(eq + 1) === '') {
      throw new BotsError(`--column ${pair}: expected KEY=NAME`, {
        code: 'data.column-flag',
        hint: `KEY is one of ${COLUMN_KEYS.join(', ')}; NAME is the column's header in the file`,
      })
    }
    map[key] = pair.slice(eq + 1)
  }
  return map
}
