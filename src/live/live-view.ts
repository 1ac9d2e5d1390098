import type {Bars} from '../model/bars.js'
import {MarketView} from '../engine/market-view.js'
import type {BarBatch} from './runtime-types.js'

/** A `Bars` whose arrays grow: `length` is the bars held, the arrays have spare capacity. */
interface GrowingBars {
  symbol: string
  timeframeMs: number
  length: number
  time: Float64Array
  open: Float64Array
  high: Float64Array
  low: Float64Array
  close: Float64Array
  volume: Float64Array
}

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const

/**
 * The bars a live bot has received, on one time index, growing as batches arrive. It is the
 * MarketView the backtest uses (the strategy API and the broker read it the same way); only the
 * close time of a bar comes from the feed, which knows it when the bar completes, where the
 * backtest caps it by looking at the next bar.
 */
export class LiveMarketView extends MarketView {
  override readonly cappedCloses = false
  private closes = new Float64Array(64)

  /** The same objects as `series`, seen as writable. */
  private readonly growing: GrowingBars[]

  constructor(symbols: readonly string[], timeframeMs: number) {
    const growing = symbols.map((symbol) => grow(undefined, symbol, timeframeMs, 64))
    super(symbols, growing, timeframeMs)
    this.growing = growing
  }

  override closeOf(i: number): number {
    return this.closes[i]
  }

  /** Open time of the newest bar, or undefined before any. */
  get lastTime(): number | undefined {
    const n = this.length
    return n === 0 ? undefined : this.time[n - 1]
  }

  append(batch: BarBatch): void {
    const n = this.length
    if (n > 0 && !(batch.time > this.time[n - 1])) {
      throw new Error(`bug: the feed delivered a bar at ${batch.time} after one at ${this.time[n - 1]}`)
    }
    if (n === this.closes.length) this.reserve(n * 2)
    this.closes[n] = batch.close
    const series = this.growing
    for (let k = 0; k < series.length; k++) {
      const b = series[k]
      const v = batch.bars[k]
      b.time[n] = batch.time
      b.open[n] = v ? v.open : NaN
      b.high[n] = v ? v.high : NaN
      b.low[n] = v ? v.low : NaN
      b.close[n] = v ? v.close : NaN
      b.volume[n] = v ? v.volume : NaN
      b.length = n + 1
    }
  }

  private reserve(capacity: number): void {
    const closes = new Float64Array(capacity)
    closes.set(this.closes)
    this.closes = closes
    // In place: the broker and the strategy API hold the series objects, not their arrays.
    for (const b of this.growing) grow(b, b.symbol, this.timeframeMs, capacity)
  }
}

/** Gives `b` (or a new series) arrays of `capacity`, keeping what it holds. */
function grow(b: GrowingBars | undefined, symbol: string, timeframeMs: number, capacity: number): GrowingBars & Bars {
  const out = b ?? ({symbol, timeframeMs, length: 0} as GrowingBars)
  for (const f of FIELDS) {
    const a = new Float64Array(capacity)
    if (b) a.set(b[f])
    out[f] = a
  }
  return out
}
