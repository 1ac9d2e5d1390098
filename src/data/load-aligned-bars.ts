/**
 * Several symbols on one time index, for strategies that trade a basket or compare series.
 *
 * - The index is the union of the symbols' bar times in [start, end), ascending.
 * - Each symbol gets a `Bars` whose `time` is that shared index (the same Float64Array object);
 *   where a symbol has no bar at time[i], all five of its fields are NaN at i. Nothing is filled
 *   forward: a missing bar stays visibly missing, and the strategy decides what it means.
 * - Every symbol must have bars at this timeframe somewhere in the store (else a BotsError).
 */
import type {Bars} from '../model/bars.js'
import {BotsError} from '../core/errors.js'
import {copyDoubleChunks} from './chunk-copy.js'
import {assertSeriesExists, rangeFilter} from './load-bars.js'
import {withConnection, type Store} from './store.js'
import {toTimeframe} from './timeframe.js'

export interface AlignedBarsQuery {
  symbols: string[]
  timeframe: string | number
  start?: number
  end?: number
}

export interface AlignedBars {
  readonly timeframeMs: number
  readonly length: number
  /** Shared by every entry of `bars`. */
  readonly time: Float64Array
  readonly symbols: readonly string[]
  readonly bars: Readonly<Record<string, Bars>>
}

export async function loadAlignedBars(store: Store, q: AlignedBarsQuery): Promise<AlignedBars> {
  const tf = toTimeframe(q.timeframe)
  const symbols = [...new Set(q.symbols)]
  if (symbols.length === 0) throw new BotsError('no symbols to load', {code: 'data.symbols'})
  return withConnection(store, async (conn) => {
    const {where, params} = rangeFilter(symbols[0], tf.text, q.start, q.end)
    const symbolParams = Object.fromEntries(symbols.map((s, i) => [`s${i}`, s]))
    const inList = symbols.map((_, i) => `$s${i}`).join(', ')
    const indexWhere = where.replace('symbol = $symbol', `symbol IN (${inList})`)
    const allParams = {...params, ...symbolParams}
    delete allParams.symbol
    await conn.run('BEGIN TRANSACTION')
    try {
      for (const s of symbols) await assertSeriesExists(conn, s, tf.text)
      const n = Number(
        (await conn.runAndReadAll(`SELECT count(DISTINCT ts)::DOUBLE AS n FROM bars WHERE ${indexWhere}`, allParams)).getRowObjectsJS()[0].n,
      )
      const time = new Float64Array(n)
      const bars: Record<string, Bars> = {}
      const cols: Float64Array[] = [time]
      for (const s of symbols) {
        const b = {symbol: s, timeframeMs: tf.ms, length: n, time, open: new Float64Array(n), high: new Float64Array(n),
          low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n)}
        bars[s] = b
        cols.push(b.open, b.high, b.low, b.close, b.volume)
      }
      const nan = (x: string) => `coalesce(${x}, 'NaN'::DOUBLE)`
      const select = symbols.map((_, i) => ['open', 'high', 'low', 'close', 'volume'].map((f) => nan(`b${i}.${f}`)).join(', ')).join(', ')
      const joins = symbols
        .map((_, i) => `LEFT JOIN bars AS b${i} ON b${i}.symbol = $s${i} AND b${i}.timeframe = $timeframe AND b${i}.ts = idx.ts`)
        .join('\n')
      const sql = `WITH idx AS (SELECT DISTINCT ts FROM bars WHERE ${indexWhere})
        SELECT epoch_ms(idx.ts)::DOUBLE, ${select} FROM idx ${joins} ORDER BY idx.ts`
      await copyDoubleChunks(await conn.stream(sql, allParams), cols)
      return {timeframeMs: tf.ms, length: n, time, symbols, bars}
    } finally {
      await conn.run('COMMIT')
    }
  })
}
