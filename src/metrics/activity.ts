/**
 * How much the strategy was in the market and how much it traded, from its fills and the bar
 * times of the run (hot: one pass over the bars).
 *
 * - Exposure: the share of bars during which some position was open. A fill stamped at a bar's
 *   open (the usual next-open fill) counts from that bar on, so the bar of an entry counts and the
 *   bar of an exit does not; a fill at a close (`fill_price: close`) counts from the next bar.
 * - Turnover: Σ |price × quantity × multiplier| (each fill's notional; the multiplier is the
 *   symbol's `instruments` one, 1 for a plain unit) over all fills ÷ the mean account value over
 *   the bars. Buys and sells both count, so a round trip of the whole account is about 2.
 * - Commissions: Σ commission over all fills.
 */
import {objectFillFields, type FillFields} from '../model/fill-log.js'
import type {Fill} from '../model/orders.js'
import type {Multipliers} from '../engine/result.js'

export interface ActivityStats {
  exposure: number
  barsInMarket: number
  turnover: number
  tradedValue: number
  commissions: number
}

const EPSILON = 1e-9

export function activityStats(fills: readonly Fill[], time: ArrayLike<number>, value: ArrayLike<number>, multipliers?: Multipliers): ActivityStats {
  return activityStatsOf(objectFillFields(fills), time, value, multipliers)
}

/** The same over any layout of the fills (model/fill-log.ts FillFields): one loop, so the same doubles. */
export function activityStatsOf(fills: FillFields, time: ArrayLike<number>, value: ArrayLike<number>, multipliers?: Multipliers): ActivityStats {
  const n = time.length
  const count = fills.count
  const position = new Map<string, number>()
  let open = 0 // symbols with a non-zero position
  let j = 0
  let inMarket = 0
  for (let i = 0; i < n; i++) {
    const t = time[i]
    while (j < count && fills.time(j) <= t) {
      const symbol = fills.symbol(j)
      const before = position.get(symbol) ?? 0
      const after = before + fills.signedQuantity(j++)
      position.set(symbol, Math.abs(after) < EPSILON ? 0 : after)
      open += (Math.abs(after) < EPSILON ? 0 : 1) - (before === 0 ? 0 : 1)
    }
    if (open > 0) inMarket++
  }
  let traded = 0
  let commissions = 0
  for (let k = 0; k < count; k++) {
    const notional = fills.price(k) * fills.quantity(k)
    traded += Math.abs(multipliers === undefined ? notional : notional * (multipliers[fills.symbol(k)] ?? 1))
    commissions += fills.commission(k)
  }
  let sum = 0
  for (let i = 0; i < value.length; i++) sum += value[i]
  const meanValue = value.length ? sum / value.length : NaN
  return activityFigures(n, inMarket, traded, commissions, meanValue)
}

/** The activity figures from their sums (the sweep's one-pass metrics share them). */
export function activityFigures(bars: number, inMarket: number, traded: number, commissions: number, meanValue: number): ActivityStats {
  return {
    exposure: bars ? inMarket / bars : NaN,
    barsInMarket: inMarket,
    turnover: meanValue > 0 ? traded / meanValue : NaN,
    tradedValue: traded,
    commissions,
  }
}
