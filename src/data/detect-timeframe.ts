/**
 * `source` should be a sample of the file (`sourceSql(…, SAMPLE_ROWS)`).
 *
 * When no timeframe is given, take the most common spacing between the first rows' times: 1D for a
 * daily file (weekends are rarer than weekdays), 5M for five-minute bars, and so on.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import path from 'node:path'
import {BotsError} from '../core/errors.js'
import {quoteIdent} from './source.js'
import type {TimeSql} from './time-expr.js'
import {toTimeframe, type Timeframe} from './timeframe.js'

export const SAMPLE_ROWS = 5000

export async function detectTimeframe(
  conn: DuckDBConnection,
  source: string,
  time: TimeSql,
  params: Record<string, DuckDBValue>,
  file: string,
): Promise<Timeframe> {
  return (await detectSpacing(conn, source, time, params, file)).timeframe
}

/** The detected timeframe, and the share of the sample's steps that are that far apart. */
export interface Spacing {
  timeframe: Timeframe
  share: number
}

/** detectTimeframe, with how clearly the sample shows it. */
export async function detectSpacing(
  conn: DuckDBConnection,
  source: string,
  time: TimeSql,
  params: Record<string, DuckDBValue>,
  file: string,
): Promise<Spacing> {
  // The times come back in file order and their spacings are counted here: DuckDB's two window
  // functions over the sample (row_number, lag) cost ~15 ms of a CLI import's start.
  const reader = await conn.runAndReadAll(`SELECT epoch_ms(${time.utc})::DOUBLE AS ms FROM (SELECT ${time.value} AS t0 FROM ${source})`, params)
  const times = (reader.getColumnsJS()[0] ?? []) as (number | null)[]
  const best = mostCommonStep(times)
  if (best !== undefined) return {timeframe: toTimeframe(best), share: stepShare(times, best)}
  // "Pass --timeframe" would not help a file with no rows or no readable time: the import would
  // then store nothing. Say what is wrong with the file instead.
  const name = path.basename(file)
  if (times.length === 0) {
    throw new BotsError(`${name} has no data rows: nothing to import`, {
      code: 'data.empty',
      file,
      hint: 'the file holds no line of values below its header; check it is the file you meant (a failed download often leaves only the header)',
    })
  }
  if (times.every((t) => t === null)) throw await unreadableTimes(conn, source, time, params, file)
  throw new BotsError('cannot tell the timeframe from this file (fewer than two readable, distinct times)', {
    code: 'data.timeframe',
    file,
    hint: 'pass --timeframe, e.g. --timeframe 1D or --timeframe 1M',
  })
}

/** None of the sampled times could be read: quote the first, and suggest a format that reads it. */
async function unreadableTimes(conn: DuckDBConnection, source: string, time: TimeSql, params: Record<string, DuckDBValue>, file: string): Promise<BotsError> {
  const raw = await firstRawTime(conn, source, time, params)
  const quoted = raw === undefined ? '' : ` (the first is "${raw}")`
  const formats = raw === undefined ? [] : guessFormats(raw)
  const example = formats.length > 0 ? formats.map((f) => `--datetime-format "${f}"`).join(' or ') : '--datetime-format "%d/%m/%Y" (or "%m/%d/%Y %H:%M", …)'
  const format = params.fmt
  return new BotsError(
    format === undefined || format === null
      ? `cannot read the times of ${path.basename(file)}${quoted} as dates or times`
      : `cannot read the times of ${path.basename(file)} with the format "${String(format)}"${quoted}`,
    {code: 'data.time_unreadable', file, hint: `give the layout of the file's times with ${example}`},
  )
}

/** The first row's time as written in the file (the columns the time is read from, joined by a space). */
async function firstRawTime(conn: DuckDBConnection, source: string, time: TimeSql, params: Record<string, DuckDBValue>): Promise<string | undefined> {
  // The time expression is selected too, so every parameter of `params` has its use.
  const reader = await conn.runAndReadAll(`SELECT ${time.value} AS "bots time", * FROM ${source} LIMIT 1`, params)
  const row = reader.getRowsJS()[0]
  if (row === undefined) return undefined
  const names = reader.columnNames()
  const used = names.map((n, i) => ({n, v: row[i]})).filter(({n}, i) => i > 0 && time.value.includes(quoteIdent(n)))
  const raw = used.map(({v}) => (v === null ? '' : String(v))).join(' ').trim()
  return raw === '' ? undefined : raw
}

/**
 * strptime formats that read `raw` when it is a day, month and year with a separator
 * (`03/01/1995`, `03.01.1995 09:30`): day first, month first, or both when either could be.
 */
export function guessFormats(raw: string): string[] {
  const m = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?:([ T])(\d{1,2}:\d{2})(:\d{2})?)?$/.exec(raw.trim())
  if (m === null) return []
  const [, a, sep, b, year, at, hm, sec] = m
  const tail = `${sep}${year.length === 4 ? '%Y' : '%y'}${hm === undefined ? '' : `${at}%H:%M${sec === undefined ? '' : ':%S'}`}`
  const dayFirst = `%d${sep}%m${tail}`
  const monthFirst = `%m${sep}%d${tail}`
  if (Number(a) > 12) return [dayFirst]
  if (Number(b) > 12) return [monthFirst]
  return [dayFirst, monthFirst]
}

/**
 * The most common step between consecutive times (whole seconds only, as a distance: a file may run
 * newest first), the smaller one on a tie; undefined when there is none. A time that could not be
 * read (null) makes no step, nor does a repeat.
 */
/** The share of the steps between readable, distinct consecutive times that are `step` apart. */
export function stepShare(times: readonly (number | null)[], step: number): number {
  let steps = 0
  let matching = 0
  for (let i = 1; i < times.length; i++) {
    const a = times[i - 1]
    const b = times[i]
    if (a === null || b === null || a === b) continue
    steps++
    if (Math.abs(b - a) === step) matching++
  }
  return steps === 0 ? 0 : matching / steps
}

export function mostCommonStep(times: readonly (number | null)[]): number | undefined {
  const counts = new Map<number, number>()
  for (let i = 1; i < times.length; i++) {
    const a = times[i - 1]
    const b = times[i]
    if (a === null || b === null) continue
    const step = Math.abs(b - a)
    if (step > 0 && step % 1000 === 0) counts.set(step, (counts.get(step) ?? 0) + 1)
  }
  let best: number | undefined
  let most = 0
  for (const [step, n] of counts) if (n > most || (n === most && step < best!)) [best, most] = [step, n]
  return best
}
