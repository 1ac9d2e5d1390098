/**
 * Maximum adverse and favourable excursion (MAE, MFE) of each trade for the report: how far the
 * price went against and for the trade while it was open, as a fraction of the average entry price,
 * from the highs and lows of the trade's symbol's bars from the entry bar to the exit bar, both
 * included. A long's MAE is its lowest low, its MFE its highest high; a short's the reverse. MAE is
 * zero or negative, MFE zero or positive; NaN when no bar of the symbol falls in the trade.
 */
import type {Bars} from '../model/bars.js'
import type {Trade} from '../model/trade.js'

export interface Excursion {
  mae: number
  mfe: number
}

export function excursions(trades: readonly Trade[], bars: readonly Bars[]): Excursion[] {
  const bySymbol = new Map(bars.map((b) => [b.symbol, b]))
  return trades.map((t) => {
    const b = bySymbol.get(t.symbol)
    if (!b || !(t.entryPrice > 0)) return {mae: NaN, mfe: NaN}
    let i = firstAtOrAfter(b.time, t.entryTime)
    // The bar containing the entry: the last one opening at or before it.
    if (i === b.length || b.time[i] > t.entryTime) i = Math.max(0, i - 1)
    let high = -Infinity
    let low = Infinity
    for (; i < b.length && b.time[i] <= t.exitTime; i++) {
      if (b.high[i] > high) high = b.high[i]
      if (b.low[i] < low) low = b.low[i]
    }
    if (high === -Infinity) return {mae: NaN, mfe: NaN}
    const e = t.entryPrice
    return t.side === 'long' ? {mae: Math.min(0, low / e - 1), mfe: Math.max(0, high / e - 1)} : {mae: Math.min(0, 1 - high / e), mfe: Math.max(0, 1 - low / e)}
  })
}

function firstAtOrAfter(time: Float64Array, t: number): number {
  let lo = 0
  let hi = time.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (time[mid] < t) lo = mid + 1
    else hi = mid
  }
  return lo
}
