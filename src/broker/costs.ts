import type {BrokerSpec} from '../model/bot-spec.js'
import type {Side} from '../model/orders.js'

/**
 * The one place where trading costs are computed, for the simulated and the paper broker alike.
 *
 * - Slippage: `slippageBps` basis points against the trader, buys fill at price × (1 + bps/10⁴),
 *   sells at price × (1 − bps/10⁴), but never past the filling bar's high (buys) or low (sells):
 *   no fill at a price the bar never traded (Backtrader's `slip_match`). Applied to market and
 *   stop fills only: a limit price (and a triggered stop-limit) is a promise never to fill worse
 *   than the limit.
 * - Commission per fill: perShare × |qty| + |qty| × (percent / 100) × price × multiplier + fixed,
 *   and at least `minimum`. Computed on the price after slippage. `percent` 0.1 means 0.1%
 *   (Backtrader's `commission=0.001`; the rate is taken as percent / 100 once, so the product
 *   matches it). For an instrument with a multiplier (`instruments`), qty counts contracts:
 *   `per_share` is per contract and `percent` is of the notional value, price × multiplier per
 *   contract (Backtrader's percent scheme leaves the multiplier out; it is 1 for every symbol
 *   without one, so those results are unchanged).
 */
export class CostModel {
  private readonly perShare: number
  private readonly rate: number
  private readonly fixed: number
  private readonly minimum: number
  private readonly slipUp: number
  private readonly slipDown: number
  private readonly slips: boolean

  constructor(spec: Pick<BrokerSpec, 'commission' | 'slippageBps'>) {
    this.perShare = spec.commission.perShare
    this.rate = spec.commission.percent / 100
    this.fixed = spec.commission.fixed
    this.minimum = spec.commission.minimum
    this.slips = spec.slippageBps !== 0
    this.slipUp = 1 + spec.slippageBps / 10_000
    this.slipDown = 1 - spec.slippageBps / 10_000
  }

  /** The price a market or stop order actually gets on a bar from `low` to `high` (NaN: no cap). */
  slip(side: Side, price: number, low: number, high: number): number {
    if (!this.slips) return price
    // Capped at the range, never moved in the trader's favour by it (a price already past it stays).
    if (side === 'buy') {
      const p = price * this.slipUp
      return p > high ? Math.max(high, price) : p
    }
    const p = price * this.slipDown
    return p < low ? Math.min(low, price) : p
  }

  /** `multiplier`: the symbol's contract multiplier (1 for a plain share or unit). */
  commission(quantity: number, price: number, multiplier = 1): number {
    const q = Math.abs(quantity)
    const c = this.perShare * q + q * this.rate * (price * multiplier) + this.fixed
    return c < this.minimum ? this.minimum : c
  }
}
