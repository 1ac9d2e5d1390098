/** Building and slicing columnar Bars (the type is in src/model/bars.ts). */
import type {Bars} from '../model/bars.js'

export const BAR_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const
export type BarField = (typeof BAR_FIELDS)[number]

export function emptyBars(symbol: string, timeframeMs: number, length = 0): Bars {
  return {
    symbol,
    timeframeMs,
    length,
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  }
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
