/** Building and slicing columnar Bars (the type is in src/model/bars.ts). */
import type {Bars} from '../model/bars.js'

export const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const
export type BarField = (typeof BAR_FIELDS)[number]

/** Every column of Bars, in the order of the one-buffer layout (`barsInBuffer`). */
export const BAR_COLUMNS = ['time', ...BAR_FIELDS] as const

/**
 * Bars of `length` zeros. `shared`: in one SharedArrayBuffer (`barsInBuffer`), which sweep workers
 * read in place (sweep/shared-bars.ts: a sweep loads its bars so, and hands them over without a copy).
 */
export function emptyBars(symbol: string, timeframeMs: number, length = 0, shared = false): Bars {
  if (shared) return barsInBuffer(symbol, timeframeMs, length, new SharedArrayBuffer(BAR_COLUMNS.length * length * 8))
  const col = () => new Float64Array(length)
  return {symbol, timeframeMs, length, time: col(), open: col(), high: col(), low: col(), close: col(), volume: col()}
}

/** Bars over one buffer: column k of BAR_COLUMNS is `length` doubles from byte k × length × 8. */
export function barsInBuffer(symbol: string, timeframeMs: number, length: number, buffer: ArrayBufferLike): Bars {
  const col = (k: number) => new Float64Array(buffer, k * length * 8, length)
  return {symbol, timeframeMs, length, time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5)}
}

/** Build columnar bars from rows; for tests and small inputs, never the hot path. */
export function barsFromRows(
  symbol: string,
  timeframeMs: number,
  rows: ReadonlyArray<{time: number; open: number; high: number; low: number; close: number; volume?: number}>,
): Bars {
  const bars = emptyBars(symbol, timeframeMs, rows.length)
  rows.forEach((r, i) => {
    bars.time[i] = r.time
    bars.open[i] = r.open
    bars.high[i] = r.high
    bars.low[i] = r.low
    bars.close[i] = r.close
    bars.volume[i] = r.volume ?? 0
  })
  return bars
}

/** A window [from, to) of the bars that shares memory with the original (subarray, no copy). */
export function sliceBars(bars: Bars, from: number, to: number): Bars {
  return {
    symbol: bars.symbol,
    timeframeMs: bars.timeframeMs,
    length: Math.max(0, to - from),
    time: bars.time.subarray(from, to),
    open: bars.open.subarray(from, to),
    high: bars.high.subarray(from, to),
    low: bars.low.subarray(from, to),
    close: bars.close.subarray(from, to),
    volume: bars.volume.subarray(from, to),
  }
}

/** Whether two time columns are the same index (the same array, or equal values): then bar i of one is at point i of the other. */
export function sameTimes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Whether bar i of `b` is at point i of `time` (a one-symbol run's index is its own time column). */
export function barsOnTimes(b: Bars, time: ArrayLike<number>): boolean {
  return b.length === b.time.length && sameTimes(b.time, time)
}
