/**
 * Bars for the engine, as columns (`Bars`: Float64Array per field, epoch-ms open times), read
 * from the store without building one JS object per bar.
 *
 * - `start` is inclusive and `end` exclusive, both epoch ms (UTC) of bar open times.
 * - A (symbol, timeframe) with no bars at all is an error that says what the store does have;
 *   a range with no bars gives empty Bars.
 * - Rows are read in storage order, which is time order unless a re-import replaced bars in the
 *   middle; that is detected while copying and the read is redone with ORDER BY.
 */
import type {DuckDBConnection} from '@duckdb/node-api'
import {emptyBars, type Bars} from '../core/bars.js'
import {BotsError} from '../core/errors.js'
import {copyDoubleChunks} from './chunk-copy.js'
import {withConnection, type Store} from './store.js'
import {toTimeframe} from './timeframe.js'

export interface LoadBarsQuery {
  symbol: string
  /** `1D`, `5M`, or ms. */
  timeframe: string | number
  /** Epoch ms, inclusive. */
  start?: number
  /** Epoch ms, exclusive. */
  end?: number
}

export async function loadBars(store: Store, q: LoadBarsQuery): Promise<Bars> {
  const tf = toTimeframe(q.timeframe)
  return withConnection(store, async (conn) => {
    const {where, params} = rangeFilter(q.symbol, tf.text, q.start, q.end)
    // One transaction: the count and the read see the same snapshot.
    await conn.run('BEGIN TRANSACTION')
    try {
      const n = await count(conn, where, params)
      if (n === 0) await assertSeriesExists(conn, q.symbol, tf.text)
      const bars = emptyBars(q.symbol, tf.ms, n)
      const cols = [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]
      const select = `SELECT epoch_ms(ts)::DOUBLE, open, high, low, close, volume FROM bars WHERE ${where}`
      let sorted = true
      await copyDoubleChunks(await conn.stream(select, params), cols, 0, (from, to) => {
        const t = bars.time
        if (from > 0 && t[from] <= t[from - 1]) sorted = false
        for (let i = from + 1; i < to && sorted; i++) if (t[i] <= t[i - 1]) sorted = false
      })
      if (!sorted) await copyDoubleChunks(await conn.stream(`${select} ORDER BY ts`, params), cols)
      return bars
    } finally {
      await conn.run('COMMIT')
    }
  })
}

export function rangeFilter(symbol: string, timeframe: string, start?: number, end?: number): {where: string; params: Record<string, any>} {
  const params: Record<string, any> = {symbol, timeframe}
  let where = 'symbol = $symbol AND timeframe = $timeframe'
  if (start !== undefined) {
    where += ' AND ts >= make_timestamp_ms($start::BIGINT)'
    params.start = checkMs(start, 'start')
  }
  if (end !== undefined) {
    where += ' AND ts < make_timestamp_ms($end::BIGINT)'
    params.end = checkMs(end, 'end')
  }
  return {where, params}
}

function checkMs(v: number, name: string): number {
  if (!Number.isFinite(v)) throw new BotsError(`${name} must be epoch milliseconds, got ${v}`, {code: 'data.range'})
  return Math.trunc(v)
}

async function count(conn: DuckDBConnection, where: string, params: Record<string, any>): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM bars WHERE ${where}`, params)
  return Number(r.getRowObjectsJS()[0].n)
}

/** No bars for (symbol, timeframe): say what exists instead. */
export async function assertSeriesExists(conn: DuckDBConnection, symbol: string, timeframe: string): Promise<void> {
  const r = await conn.runAndReadAll(
    `SELECT timeframe, count(*)::DOUBLE AS n FROM bars WHERE symbol = $symbol GROUP BY timeframe ORDER BY timeframe`,
    {symbol},
  )
  const have = r.getRowObjectsJS()
  if (have.some((h) => h.timeframe === timeframe)) return
  const hint = have.length
    ? `the store has ${symbol} at ${have.map((h) => h.timeframe).join(', ')}: use that timeframe, or make ${timeframe} bars with \`bots data resample ${symbol} --from ${have[0].timeframe} --to ${timeframe}\``
    : `import it first: bots data import FILE --symbol ${symbol} --timeframe ${timeframe}`
  throw new BotsError(`no ${timeframe} bars for ${symbol} in the store`, {code: 'data.missing', hint})
}
