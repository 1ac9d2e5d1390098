/**
 * `source` should be a sample of the file (`sourceSql(…, SAMPLE_ROWS)`).
 *
 * When no timeframe is given, take the most common spacing between the first rows' times: 1D for a
 * daily file (weekends are rarer than weekdays), 5M for five-minute bars, and so on.
 */
import type {DuckDBConnection, DuckDBValue} from '@duckdb/node-api'
import {BotsError} from '../core/errors.js'
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
  // The times come back in file order and their spacings are counted here: DuckDB's two window
  // functions over the sample (row_number, lag) cost ~15 ms of a CLI import's start.
  const reader = await conn.runAndReadAll(`SELECT epoch_ms(${time.utc})::DOUBLE AS ms FROM (SELECT ${time.value} AS t0 FROM ${source})`, params)
  const best = mostCommonStep((reader.getColumnsJS()[0] ?? []) as (number | null)[])
  if (best === undefined) {
    throw new BotsError('cannot tell the timeframe from this file (fewer than two readable, distinct times)', {
      code: 'data.timeframe',
      file,
      hint: 'pass --timeframe, e.g. --timeframe 1D or --timeframe 1M',
    })
  }
  return toTimeframe(best)
}

/**
 * The most common step between consecutive times (whole seconds only, as a distance: a file may run
 * newest first), the smaller one on a tie; undefined when there is none. A time that could not be
 * read (null) makes no step, nor does a repeat.
 */
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
