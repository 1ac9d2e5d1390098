/**
 * Bars as columns. One Float64Array per field, index i is the i-th bar in time order.
 * `time` is the bar's open time in epoch milliseconds (UTC). No object per bar is ever built:
 * the engine's hot loop reads these arrays directly.
 */
export interface Bars {
  readonly symbol: string
  readonly timeframeMs: number
  readonly length: number
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

/** What a strategy sees of one symbol: views over bars up to and including the current one; index 0 is the oldest. */
export interface BarHistory {
  readonly length: number
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

/** One bar's prices and volume, where a record is handier than columns (feeds, inputs, tests). */
export interface Ohlcv {
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/** One bar as a record: its open time (epoch ms, UTC) and its prices and volume. */
export interface Bar extends Ohlcv {
  time: number
}
