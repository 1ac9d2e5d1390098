/**
 * What closing a walk-forward test window's positions costs. The next window starts flat, with the
 * account's value as cash (each window runs as a bot deployed on that date), so the positions the
 * strategy holds at the end of a window's part of the stitched curve are sold (or bought back)
 * there: at that bar's close, the price the curve already values them at, as a market order the
 * broker fills, with its slippage and commission (CostModel, the one place costs are computed).
 * Found by an audit: the carry was free, and those exits were in no trade count.
 */
import {CostModel} from '../broker/costs.js'
import type {BacktestResult} from '../engine/result.js'
import type {Bars} from '../model/bars.js'
import type {BrokerSpec} from '../model/bot-spec.js'
import {fillFieldsOf, fillColumns} from '../model/run-columns.js'

export interface WindowExit {
  /** Slippage and commissions of the exits, in account currency. */
  cost: number
  /** Positions closed (one per symbol held). */
  closed: number
}

/**
 * The exits of the positions held after bar `lastBar` of a run over `slice` (its equity index:
 * `result.equity.time`), at each symbol's last close at or before that bar's time.
 */
export function windowExit(result: Pick<BacktestResult, 'fills' | 'multipliers' | 'equity' | 'positions'>, slice: readonly Bars[], broker: Pick<BrokerSpec, 'commission' | 'slippageBps'>, lastBar: number): WindowExit {
  const held = heldAfter(result, lastBar)
  const costs = new CostModel(broker)
  const at = result.equity.time[lastBar]
  let cost = 0
  let closed = 0
  for (const [symbol, quantity] of held) {
    if (quantity === 0) continue
    const bars = slice.find((b) => b.symbol === symbol) ?? (slice.length === 1 ? slice[0] : undefined)
    const i = bars ? lastIndexAtOrBefore(bars.time, bars.length, at) : -1
    if (!bars || i < 0) continue
    const multiplier = result.multipliers?.[symbol] ?? 1
    const close = bars.close[i]
    const price = costs.slip(quantity > 0 ? 'sell' : 'buy', close, bars.low[i], bars.high[i])
    cost += Math.abs(quantity) * multiplier * Math.abs(price - close) + costs.commission(quantity, price, multiplier)
    closed++
  }
  return {cost, closed}
}

/** Units held per symbol once the fills on bars 0 … lastBar are in: the broker's own at the run's end. */
function heldAfter(result: Pick<BacktestResult, 'fills' | 'equity' | 'positions'>, lastBar: number): Map<string, number> {
  const held = new Map<string, number>()
  if (lastBar === result.equity.time.length - 1) {
    for (const p of result.positions) held.set(p.symbol, p.quantity)
    return held
  }
  const traded = new Map<string, number>()
  const columns = fillColumns(result)
  const fields = fillFieldsOf(result)
  // The broker's columns say each fill's bar; a result without them (a copy) has only the fill's time.
  const until = result.equity.time[lastBar + 1] ?? Infinity
  for (let j = 0; j < fields.count; j++) {
    const inside = columns ? columns.log.bar[j] <= lastBar : fields.time(j) < until
    if (!inside) continue
    const symbol = fields.symbol(j)
    held.set(symbol, (held.get(symbol) ?? 0) + fields.signedQuantity(j))
    traded.set(symbol, (traded.get(symbol) ?? 0) + fields.quantity(j))
  }
  // A sum of fractional fills that should be flat may be a rounding error off zero: no dust exits.
  for (const [symbol, q] of held) if (Math.abs(q) <= 1e-9 * traded.get(symbol)!) held.set(symbol, 0)
  return held
}

function lastIndexAtOrBefore(time: ArrayLike<number>, length: number, t: number): number {
  let lo = 0
  let hi = length // first index with time > t
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (time[mid] <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}
