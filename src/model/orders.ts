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
  /** Exchange orders: units filled so far (partial fills); the order is `filled` when it reaches `quantity`. */
  filledQuantity?: number
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
  /** The filling bar's open time; for a fill at the signal bar's close (fillPrice `close`), the clock time. */
  readonly time: number
  /** Exchange fills: the exchange's trade id (one order may fill in several trades). */
  readonly tradeId?: string
  /** Exchange fills: 1 for the order's first trade, 2 for its second… (the same after any restart). */
  readonly tradeSeq?: number
}
