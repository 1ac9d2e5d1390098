import type {Bars} from '../model/bars.js'
import {emptyBars, sameTimes} from '../core/bars.js'
import {BotsError} from '../core/errors.js'
import type {PriceSource} from '../broker/broker-port.js'

/**
 * The bars of a run on one time index, and how far the strategy has seen (`cursor`). All series
 * share `time`; a symbol without a bar at some time has NaN prices there. Runners move the cursor;
 * the strategy API and the broker only read. A live runner appends to (or swaps) the series.
 */
export class MarketView implements PriceSource {
  cursor = -1
  /**
   * Whether `closeOf` is this class's rule (open + timeframe, capped by the next open): the session
   * kernel's per-bar loop then computes it in place. A view whose closes come from elsewhere (a
   * live feed) says false.
   */
  readonly cappedCloses: boolean = true

  constructor(
    readonly symbols: readonly string[],
    readonly series: Bars[],
    readonly timeframeMs: number,
  ) {}

  get length(): number {
    return this.series.length === 0 ? 0 : this.series[0].length
  }

  get time(): Float64Array {
    return this.series[0].time
  }

  /**
   * Close time of bar `i`: open + timeframe, but never after the next bar's open. Daily bars
   * stamped at local midnight are 23 or 25 hours apart across DST; without the cap a bar would
   * "close" after the next one opened and an order placed at that close would skip a day.
   */
  closeOf(i: number): number {
    const t = this.series[0].time
    const end = t[i] + this.timeframeMs
    return i + 1 < t.length && t[i + 1] < end ? t[i + 1] : end
  }
}

/**
 * Checks each series (strictly increasing finite times) and puts them on one time index: the
 * union of their times, NaN-filled. Series that already share one index are used as they are.
 */
export function alignBars(symbols: readonly string[], bars: readonly Bars[], timeframeMs: number): MarketView {
  if (symbols.length === 0) throw new BotsError('a backtest needs at least one symbol', {code: 'engine.symbols'})
  const bySymbol = symbols.map((s) => {
    const b = bars.length === 1 && symbols.length === 1 ? bars[0] : bars.find((x) => x.symbol === s)
    if (!b) throw new BotsError(`no bars for symbol ${s}`, {code: 'engine.bars', hint: `give one Bars series per symbol (${symbols.join(', ')})`})
    checkOrder(b)
    return b
  })
  if (bySymbol.every((b) => sameTimes(b.time, bySymbol[0].time))) return new MarketView(symbols, bySymbol, timeframeMs)
  const time = unionTimes(bySymbol.map((b) => b.time))
  return new MarketView(symbols, bySymbol.map((b) => spread(b, time, timeframeMs)), timeframeMs)
}

function checkOrder(b: Bars): void {
  const t = b.time
  for (let i = 0; i < b.length; i++) {
    if (!Number.isFinite(t[i]) || (i > 0 && t[i] <= t[i - 1])) {
      throw new BotsError(`bars of ${b.symbol} are not in strictly increasing time order at row ${i}`, {
        code: 'engine.bars.order',
        hint: 'sort and de-duplicate the data (bots data import does both)',
      })
    }
  }
}

function unionTimes(times: Float64Array[]): Float64Array {
  const all = new Float64Array(times.reduce((n, t) => n + t.length, 0))
  let o = 0
  for (const t of times) {
    all.set(t, o)
    o += t.length
  }
  all.sort()
  let w = 0
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[w - 1]) all[w++] = all[r]
  return all.slice(0, w)
}

function spread(b: Bars, time: Float64Array, timeframeMs: number): Bars {
  const out = emptyBars(b.symbol, timeframeMs, time.length)
  out.time.set(time)
  for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) out[f].fill(NaN)
  let j = 0
  for (let i = 0; i < time.length && j < b.length; i++) {
    if (time[i] !== b.time[j]) continue
    out.open[i] = b.open[j]
    out.high[i] = b.high[j]
    out.low[i] = b.low[j]
    out.close[i] = b.close[j]
    out.volume[i] = b.volume[j]
    j++
  }
  return out
}
