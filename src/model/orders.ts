/** Orders as a strategy places them, as the brokers track them, and the fills they get. */
export type Side = 'buy' | 'sell'
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit'
export type TimeInForce = 'day' | 'gtc'
export type OrderStatus = 'open' | 'filled' | 'canceled' | 'rejected'

export interface OrderRequest {
  /** Default: the run's first symbol. An unknown symbol throws (a strategy bug). */
  symbol?: string
  side: Side
  /** Units, positive (fractions allowed). */
  quantity: number
  /** Default `market`. */
  type?: OrderType
  limitPrice?: number
  stopPrice?: number
  /** Default `gtc` (as Backtrader). `day`: expires at the close of the first session that closes after it was placed. */
  timeInForce?: TimeInForce
  /** Free text kept with the order and its trades. */
  tag?: string
  /**
   * Trailing stop (`type: 'stop'` only; one of the two): the stop follows the best price since the
   * order started working (highest high for a sell, lowest low for a buy) at this distance, and only
   * tightens. Without `stopPrice` it starts from the last close seen (a bracket's: the entry's fill).
   */
  trailAmount?: number
  /** Trailing stop by percent of the best price (`1.5` is 1.5%). */
  trailPercent?: number
  /** One-cancels-other: pairs this order with working order N. When either fills (its first part) or ends unfilled, the other is canceled. */
  ocoWith?: number
  /** Bracket leg: works only once order N has completely filled; canceled if N ends with nothing filled, cut to the part filled if it ends after a part. */
  parentId?: number
  /**
   * Replaces working order N: N is canceled and this order takes over its OCO pairing, its parent
   * and its legs (a bracket entry's; what N filled stays in that bracket, see engine README).
   */
  replaces?: number
}

/** The exits of a bracket (`submitBracket`): a stop-loss (fixed or trailing) and/or a take-profit. */
export interface BracketExits {
  /** Stop price of the stop-loss leg. */
  stopLoss?: number
  /** A trailing stop-loss instead (or from `stopLoss` on): distance in price… */
  trailAmount?: number
  /** …or in percent of the best price since the entry filled. */
  trailPercent?: number
  /** Limit price of the take-profit leg. */
  takeProfit?: number
  /** Tags of the legs (default `stop_loss` and `take_profit`). */
  stopTag?: string
  targetTag?: string
}

/** What `submitBracket` returns: the entry and its exit legs (OCO with each other; working once the entry fills). */
export interface Bracket {
  entry: Order
  stopLoss?: Order
  takeProfit?: Order
}

/** The prices a `replaceOrder` may change; the rest is kept. */
export interface OrderChanges {
  quantity?: number
  limitPrice?: number
  stopPrice?: number
}

export interface Order {
  readonly id: number
  readonly symbol: string
  readonly side: Side
  readonly quantity: number
  readonly type: OrderType
  readonly limitPrice?: number
  readonly stopPrice?: number
  readonly timeInForce: TimeInForce
  readonly tag?: string
  /** Time the order was placed (epoch ms). */
  readonly createdAt: number
  /** `rejected` orders were never working: a malformed request (at once) or unaffordable at fill time. */
  status: OrderStatus
  filledAt?: number
  fillPrice?: number
  commission?: number
  reason?: string
  /** Units filled so far, for orders that fill in parts (exchange orders; `broker.max_volume_share`); `filled` once it reaches `quantity`. */
  filledQuantity?: number
  /** The other leg of an OCO pair. */
  ocoWith?: number
  /** Bracket legs: the entry order they wait for. */
  parentId?: number
  /** Trailing stops: the trail distance (amount or percent); `stopPrice` is the current level. */
  trailAmount?: number
  trailPercent?: number
  /** Exchange orders: the client order id it was sent with. */
  clientOrderId?: string
}

export interface Fill {
  readonly orderId: number
  readonly symbol: string
  readonly side: Side
  readonly quantity: number
  readonly price: number
  readonly commission: number
  /** The filling bar's open time; for a fill at the signal bar's close (fillPrice `close`), that bar's last millisecond. */
  readonly time: number
  /** Exchange fills: the exchange's trade id (one order may fill in several trades). */
  readonly tradeId?: string
  /** Exchange fills: 1 for the order's first trade, 2 for its second… (the same after any restart). */
  readonly tradeSeq?: number
}

/**
 * How a broker that lacks an order type (an exchange broker has market and limit orders only)
 * begins its refusal's reason: a strategy that reads it can fall back (the `rules` trader then
 * watches its stop itself).
 */
export function unsupportedOrderType(type: OrderType): string {
  return `this broker does not support ${type} orders`
}
