import {WallClock, type TimerClock} from '../core/clock.js'
import {isBotsError} from '../core/errors.js'
import {retry} from '../core/retry.js'
import {loadBars} from '../data/load-bars.js'
import {isLockError} from '../data/store-errors.js'
import {closeStore, openStore, withConnection} from '../data/store.js'
import {findSeries} from '../data/bar-series.js'
import {toTimeframe} from '../data/timeframe.js'
import {alignBars, type MarketView} from '../engine/market-view.js'
import type {BarBatch} from './runtime-types.js'

export interface ReplayLoad {
  db?: string
  symbols: readonly string[]
  /** The stored series of each symbol when not the symbol itself (a spec's data file: data/file-series.ts). */
  series?: readonly (string | undefined)[]
  timeframe: string | number
  start?: number
  end?: number
  /** How often to try while another process holds the store (default 50, i.e. ~10 s in all). */
  attempts?: number
  /** First wait between tries, doubled up to 400 ms (default 25). */
  retryMs?: number
  /** What the waits between tries run on (default the wall clock). */
  clock?: TimerClock
}

const wall = new WallClock()

/**
 * The replay's bars, read once: the store is opened read-only, read and closed at once, so the
 * service and the management commands are locked out for milliseconds only. While another process
 * holds the file for writing (DuckDB then refuses every other process, readers included) the read
 * is retried with a growing pause; the last lock error is what the caller sees.
 */
export async function loadReplayBars(o: ReplayLoad): Promise<MarketView> {
  const tf = toTimeframe(o.timeframe)
  const read = async () => {
    const store = await openStore({path: o.db, readOnly: true, clock: o.clock, lockWaitMs: 0})
    try {
      const bars = await Promise.all(o.symbols.map((symbol, k) => loadBars(store, {symbol, series: o.series?.[k], timeframe: tf.ms, start: o.start, end: o.end})))
      return alignBars(o.symbols, bars, tf.ms)
    } finally {
      await closeStore(store)
    }
  }
  return retry(read, {clock: o.clock ?? wall, attempts: o.attempts ?? 50, initialDelayMs: o.retryMs ?? 25, maxDelayMs: 400, retryable: locked})
}

/**
 * Each symbol's stored bars' first and last open time (undefined for a symbol without any): what a
 * replay with nothing to play says about the data it was given.
 */
export async function storedSpans(o: ReplayLoad): Promise<Array<{symbol: string; first: number; last: number} | undefined>> {
  const tf = toTimeframe(o.timeframe)
  const read = async () => {
    const store = await openStore({path: o.db, readOnly: true, clock: o.clock, lockWaitMs: 0})
    try {
      return await withConnection(store, (conn) =>
        Promise.all(o.symbols.map(async (symbol, k) => {
          const id = await findSeries(conn, o.series?.[k] ?? symbol, tf.text)
          if (id === undefined) return undefined
          const r = (await conn.runAndReadAll(`SELECT epoch_ms(min(ts))::DOUBLE AS a, epoch_ms(max(ts))::DOUBLE AS b FROM bar_rows WHERE series = $id`, {id})).getRowObjectsJS()[0]
          return r.a === null ? undefined : {symbol, first: Number(r.a), last: Number(r.b)}
        })),
      )
    } finally {
      await closeStore(store)
    }
  }
  // Retried as the bars' read is, while another process holds the store.
  return retry(read, {clock: o.clock ?? wall, attempts: o.attempts ?? 50, initialDelayMs: o.retryMs ?? 25, maxDelayMs: 400, retryable: locked})
}

const locked = (e: unknown): boolean => isLockError(e) || (isBotsError(e) && e.diagnostic.code === 'store.locked')

/** Bar `i` of `view` as the feed delivers it (null for a symbol with no bar then). */
export function batchAt(view: MarketView, i: number): BarBatch {
  return {
    time: view.time[i],
    close: view.closeOf(i),
    bars: view.series.map((b) => (b.open[i] === b.open[i] ? {open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i]} : null)),
  }
}

/** The first index whose open time is > `after` (or ≥ `from`), by binary search. */
export function firstIndex(view: MarketView, bound: number, inclusive: boolean): number {
  const time = view.time
  let lo = 0
  let hi = view.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (inclusive ? time[mid] < bound : time[mid] <= bound) lo = mid + 1
    else hi = mid
  }
  return lo
}
