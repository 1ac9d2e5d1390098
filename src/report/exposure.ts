/**
 * Exposure over time for the report: at each point of the equity curve, the gross value of the
 * open positions (Σ |quantity × last close × multiplier| over the symbols) as a fraction of the
 * account value.
 * Positions follow the fills as the exposure metric counts them (a fill stamped at or before a
 * bar's time holds from that bar on), so the points above zero are the metric's bars in market.
 */
import {barsOnTimes} from '../core/bars.js'
import type {Bars} from '../model/bars.js'
import {objectFillFields, type FillFields} from '../model/fill-log.js'
import type {Fill} from '../model/orders.js'
import type {Multipliers} from '../engine/result.js'

const EPSILON = 1e-9

/** With bucket > 1, only the last point of each run of `bucket` points (a chart of that resolution). */
export function exposureSeries(fills: readonly Fill[], bars: readonly Bars[], time: ArrayLike<number>, value: ArrayLike<number>, bucket = 1, multipliers?: Multipliers): Float64Array {
  return exposureOf(objectFillFields(fills), bars, time, value, bucket, multipliers)
}

/** The same over any layout of the fills (model/fill-log.ts FillFields). */
export function exposureOf(fills: FillFields, bars: readonly Bars[], time: ArrayLike<number>, value: ArrayLike<number>, bucket = 1, multipliers?: Multipliers): Float64Array {
  const n = time.length
  const points = Math.ceil(n / bucket)
  const out = new Float64Array(points)
  const position = new Map<string, number>()
  const cursor = new Map<string, number>() // per symbol: index of its last bar at or before the point
  const bySymbol = new Map(bars.map((b) => [b.symbol, b]))
  // Symbols whose bar i is at point i (a one-symbol run's): their last bar at or before point i is
  // bar i, with no walk over the bars in between.
  const onTimes = new Set(bars.filter((b) => barsOnTimes(b, time)).map((b) => b.symbol))
  let j = 0
  // Only the points drawn: the positions at each follow from the fills up to its time (times
  // ascend), so a run's million bars cost ten thousand steps here, not a million.
  for (let p = 0; p < points; p++) {
    const i = Math.min(n, (p + 1) * bucket) - 1
    const t = time[i]
    while (j < fills.count && fills.time(j) <= t) {
      const symbol = fills.symbol(j)
      const after = (position.get(symbol) ?? 0) + fills.signedQuantity(j++)
      position.set(symbol, Math.abs(after) < EPSILON ? 0 : after)
    }
    let gross = 0
    for (const [symbol, qty] of position) {
      if (qty === 0) continue
      const b = bySymbol.get(symbol)
      if (!b) continue
      let k = i
      if (!onTimes.has(symbol)) {
        k = cursor.get(symbol) ?? -1
        while (k + 1 < b.length && b.time[k + 1] <= t) k++
        cursor.set(symbol, k)
      }
      // The last known close (a symbol without a bar at this time keeps its previous one).
      let c = NaN
      for (let m = k; m >= 0 && !(c === c); m--) c = b.close[m]
      if (c === c) gross += Math.abs(qty * c * (multipliers?.[symbol] ?? 1))
    }
    out[p] = value[i] > 0 ? gross / value[i] : NaN
  }
  return out
}
