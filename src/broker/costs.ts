import type {BrokerSpec} from '../model/bot-spec.js'
import type {Side} from '../model/orders.js'

/**
 * The one place where trading costs are computed, for the simulated and the paper broker alike.
 *
 * - Slippage: `slippageBps` basis points against the trader, buys fill at price × (1 + bps/10⁴),
 *   sells at price × (1 − bps/10⁴). Applied to market and stop fills only: a limit price (and a
 *   triggered stop-limit) is a promise never to fill worse than the limit.
 * - Commission per fill: perShare × |qty| + |qty| × (percent / 100) × price + fixed, and at least
 *   `minimum`. Computed on the price after slippage. `percent` 0.1 means 0.1% (Backtrader's
 *   `commission=0.001`; the rate is taken as percent / 100 once, so the product matches it).
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

  /** The price a market or stop order actually gets. */
  slip(side: Side, price: number): number {
    if (!this.slips) return price
    return side === 'buy' ? price * this.slipUp : price * this.slipDown
  }

  commission(quantity: number, price: number): number {
    const q = Math.abs(quantity)
    const c = this.perShare * q + q * this.rate * price + this.fixed
    return c < this.minimum ? this.minimum : c
  }
}
