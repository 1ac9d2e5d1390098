/**
 * Rows that break a rule, as a user reads them: file, line (CSV: the line in the file, the header
 * being line 1) or row (Parquet: 1-based data row; CSV rows carry it too), the rule and what is
 * wrong. Rows DuckDB could not read at all come from its rejects table; the rest from the stage.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {blankLines} from './csv-head.js'
import {csvRejectedLines, csvRejectMessages, mergeRows, RowMapper} from './csv-rejects.js'
import type {FileFormat} from './source.js'
import {RULES, type Rule} from './stage.js'
import type {Timeframe} from './timeframe.js'

export interface Rejection {
  file: string
  /** CSV only: line number in the file (header = line 1). */
  line?: number
  /** 1-based data row (the first row after the header is row 1). */
  row: number
  rule: Rule
  message: string
}

export type RuleCounts = Record<Rule, number>

export interface RejectionReport {
  counts: RuleCounts
  total: number
  /** The first `limit` rejections in file order. */
  list: Rejection[]
}

interface Ctx {
  file: string
  format: FileFormat
  tf: Timeframe
  tz: string
  /** Stage row → data row (CSV rows DuckDB rejected or skipped have no stage row). */
  rows: RowMapper
}

export async function collectRejections(
  conn: DuckDBConnection,
  table: string,
  file: string,
  format: FileFormat,
  tf: Timeframe,
  tz: string,
  limit: number,
): Promise<RejectionReport> {
  const counts = Object.fromEntries(RULES.map((r) => [r, 0])) as RuleCounts
  const csvLines = format === 'csv' ? await csvRejectedLines(conn) : new Float64Array(0)
  counts.unparsable += csvLines.length
  const grouped = await conn.runAndReadAll(`SELECT reason, count(*)::DOUBLE AS n FROM ${table} WHERE reason IS NOT NULL GROUP BY reason`)
  for (const r of grouped.getRowObjectsJS()) counts[r.reason as Rule] += Number(r.n)
  const total = RULES.reduce((sum, r) => sum + counts[r], 0)
  if (limit <= 0 || total === 0) return {counts, total, list: []}
  const skipped = format === 'csv' ? mergeRows(csvLines.map((l) => l - 1), blankLines(file).map((l) => l - 1)) : new Float64Array(0)
  const ctx: Ctx = {file, format, tf, tz, rows: new RowMapper(skipped)}

  const rows = await conn.runAndReadAll(
    `SELECT (s.rowid + 1)::DOUBLE AS row, s.reason, s.t_raw, epoch_ms(s.ts)::DOUBLE AS ms, s.o, s.h, s.l, s.c, s.v,
       (s.other_row + 1)::DOUBLE AS other_row, epoch_ms(p.ts)::DOUBLE AS other_ms, p.ts > s.ts AS other_later
     FROM ${table} AS s LEFT JOIN ${table} AS p ON p.rowid = s.other_row
     WHERE s.reason IS NOT NULL ORDER BY s.rowid LIMIT $limit`,
    {limit},
  )
  const list: Rejection[] = (await csvRejectMessages(conn, limit)).map((r) => ({...where(ctx, r.line - 1), rule: 'unparsable' as Rule, message: r.message}))
  for (const r of rows.getRowObjectsJS()) {
    list.push({...where(ctx, ctx.rows.dataRow(Number(r.row))), rule: r.reason as Rule, message: describe(ctx, r)})
  }
  list.sort((a, b) => a.row - b.row)
  return {counts, total, list: list.slice(0, limit)}
}

function where(ctx: Ctx, row: number): {file: string; line?: number; row: number} {
  return ctx.format === 'csv' ? {file: ctx.file, line: row + 1, row} : {file: ctx.file, row}
}

function describe(ctx: Ctx, r: Record<string, unknown>): string {
  const n = (k: string) => (r[k] === null ? null : Number(r[k]))
  const time = r.ms === null ? '' : iso(Number(r.ms))
  switch (r.reason as Rule) {
    case 'unparsable': {
      if (r.t_raw !== null || r.ms === null) {
        return `time "${r.t_raw ?? ''}" cannot be read as a date or time (for other layouts pass --datetime-format, e.g. "%d.%m.%Y %H:%M")`
      }
      const missing = (['o', 'h', 'l', 'c', 'v'] as const).filter((k) => r[k] === null).map((k) => NAMES[k])
      return `missing or unreadable ${missing.join(', ')}`
    }
    case 'nonexistent':
      return `time "${r.t_raw ?? ''}" does not exist in ${ctx.tz}: its clocks skip it when daylight saving time starts (the row is not moved to the hour after, whose own row it would replace)`
    case 'price': {
      const bad = (['o', 'h', 'l', 'c'] as const).filter((k) => !(Number.isFinite(n(k)) && n(k)! > 0))
      return bad.map((k) => `${NAMES[k]} ${n(k)} is not a positive number`).join('; ')
    }
    case 'ohlc':
      return n('h')! < Math.max(n('o')!, n('c')!)
        ? `high ${n('h')} is below max(open ${n('o')}, close ${n('c')})`
        : `low ${n('l')} is above min(open ${n('o')}, close ${n('c')})`
    case 'volume':
      return `volume ${n('v')} is negative or not a number`
    case 'alignment':
      return ctx.tf.ms % 86_400_000 === 0
        ? `${time} is not at midnight in ${ctx.tz}, where ${ctx.tf.text} bars start`
        : `${time} is not on the ${ctx.tf.text} grid`
    case 'duplicate':
      return `time ${time} repeats ${ref(ctx, Number(r.other_row))}`
    case 'unsorted': {
      // The other row is a kept one it breaks order with (stage.ts, markUnsorted): before it with a
      // later time or after it with an earlier one; in a newest-first file the other way round.
      const after = Number(r.other_row) > Number(r.row)
      const newestFirst = after === r.other_later
      const where = newestFirst ? `, which comes ${after ? 'after' : 'before'} it in this newest-first file` : after ? ', which comes after it' : ''
      return `time ${time} is ${r.other_later ? 'earlier' : 'later'} than ${ref(ctx, Number(r.other_row))} (${iso(Number(r.other_ms))})${where}: the file is not sorted`
    }
  }
}

const NAMES = {o: 'open', h: 'high', l: 'low', c: 'close', v: 'volume'} as const

function ref(ctx: Ctx, stageRow: number): string {
  const row = ctx.rows.dataRow(stageRow)
  return ctx.format === 'csv' ? `line ${row + 1}` : `row ${row}`
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
