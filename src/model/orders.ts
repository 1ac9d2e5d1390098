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
}
