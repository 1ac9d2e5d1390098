/**
 * Maximum adverse and favourable excursion (MAE, MFE) of each trade for the report: how far the
 * price went against and for the trade while it was open, as a fraction of the average entry price.
 * What counts is what traded while the position was held: the entry and exit prices, and the whole
 * range (high and low) of every bar of the trade's symbol that opened at or after the entry and
 * before the exit. Fills are stamped at the open of the bar they fill on (a next-open market order,
 * a stop or limit inside the bar) or, with `fill_price: close`, inside the bar whose close they
 * take, at its last millisecond (SimulatedBroker.fillCloseQueue). So the bar a trade exits on counts
 * by its whole range only when the exit was at its close (the range came before it); at its open,
 * or at a stop inside it, only by the exit price. The bar whose close a trade entered at counts only
 * by the entry price. Runs recorded when close fills were stamped at the close instant (the next
 * bar's open) give the same bars. A long's MAE is its lowest price, its MFE its highest; a short's
 * the reverse. MAE is zero or negative, MFE zero or positive; NaN when the symbol has no bars.
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
    let high = Math.max(t.entryPrice, t.exitPrice)
    let low = Math.min(t.entryPrice, t.exitPrice)
    // A NaN exit price (none in a closed trade) leaves the entry price alone.
    if (high !== high) high = low = t.entryPrice
    const time = b.time
    const n = b.length
    const exit = t.exitTime
    for (let i = firstAtOrAfter(time, t.entryTime); i < n && time[i] < exit; i++) {
      if (b.high[i] > high) high = b.high[i]
      if (b.low[i] < low) low = b.low[i]
    }
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
