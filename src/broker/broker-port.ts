import type {Bars} from '../model/bars.js'
import type {Fill, Order, OrderRequest} from '../model/orders.js'

/**
 * What the strategy API needs from a broker. The simulated broker implements it for backtests;
 * a paper or exchange broker implements the same for live bots. Symbols are indexes into the
 * run's symbol list (the API resolves names once).
 */
export interface BrokerPort {
  readonly cash: number
  portfolioValue(): number
  position(symbolIndex: number): number
  averagePrice(symbolIndex: number): number
  /** Currency per point of price per unit (the spec's `instruments`; 1 without one). */
  multiplier(symbolIndex: number): number
  /** The quantity step orders are rounded down to (the spec's `instruments.<symbol>.lot_size`); 0 without one. */
  lotSize?(symbolIndex: number): number
  /** Open orders of one symbol, or of all with -1. A fresh array (or a shared empty one). */
  openOrders(symbolIndex: number): readonly Order[]
  submit(request: OrderRequest, symbolIndex: number): Order
  cancel(orderId: number): boolean
}

/** Bars as the broker reads them: one aligned series per symbol, and how far the strategy has seen. */
export interface PriceSource {
  readonly symbols: readonly string[]
  readonly series: readonly Bars[]
  /** Index of the latest bar the strategy has seen (-1 before the first). */
  readonly cursor: number
}

/** Callbacks a broker makes as orders resolve; the runner turns them into strategy hooks. */
export interface BrokerListener {
  filled(order: Order, fill: Fill): void
  /** Canceled, expired (day orders at the session close) or rejected at fill time; see `status`. */
  canceled(order: Order): void
}
