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
  const reader = await conn.runAndReadAll(
    `WITH t AS (SELECT row_number() OVER () AS row, epoch_ms(${time.utc})::DOUBLE AS ms FROM (SELECT ${time.value} AS t0 FROM ${source})),
     d AS (SELECT ms - lag(ms) OVER (ORDER BY row) AS step FROM t)
     SELECT step, count(*)::INTEGER AS n FROM d WHERE step > 0 AND step % 1000 = 0 GROUP BY step ORDER BY n DESC, step LIMIT 1`,
    params,
  )
  const best = reader.getRowObjectsJS()[0]
  if (!best) {
    throw new BotsError('cannot tell the timeframe from this file (fewer than two readable, increasing times)', {
      code: 'data.timeframe',
      file,
      hint: 'pass --timeframe, e.g. --timeframe 1D or --timeframe 1M',
    })
  }
  return toTimeframe(Number(best.step))
}
