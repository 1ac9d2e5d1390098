/**
 * What a strategy sees. One API for the Backtest, Daily and Live runners: nothing here may assume
 * a backtest. Reads are cheap (no allocation per call on the hot path): price accessors take a
 * bars-ago offset, `history()` hands out views that share memory with the engine's arrays.
 */
export type Side = 'buy' | 'sell'
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit'
export type TimeInForce = 'day' | 'gtc'
export type OrderStatus = 'open' | 'filled' | 'canceled' | 'rejected'

export interface OrderRequest {
  symbol?: string
  side: Side
  quantity: number
  type?: OrderType
  limitPrice?: number
  stopPrice?: number
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
  readonly time: number
}

/** Views over bars up to and including the current one; index 0 is the oldest. */
export interface BarHistory {
  readonly length: number
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
}

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface StrategyContext {
  /** Current time of the run's clock (epoch ms, UTC). */
  readonly now: number
  readonly symbols: readonly string[]
  /** Number of bars of `symbol` seen so far (current bar included). */
  barCount(symbol?: string): number
  /** Price of the bar `ago` bars back (0 = current bar). NaN before the first bar. */
  open(symbol?: string, ago?: number): number
  high(symbol?: string, ago?: number): number
  low(symbol?: string, ago?: number): number
  close(symbol?: string, ago?: number): number
  volume(symbol?: string, ago?: number): number
  /** Bar open time of the bar `ago` bars back. */
  time(symbol?: string, ago?: number): number
  /** All bars seen so far, as typed-array views (no copy). */
  history(symbol?: string): BarHistory

  /** Signed position size: positive long, negative short, 0 flat. */
  position(symbol?: string): number
  /** Average entry price of the open position (NaN when flat). */
  averagePrice(symbol?: string): number
  readonly cash: number
  readonly portfolioValue: number
  openOrders(symbol?: string): readonly Order[]

  submitOrder(request: OrderRequest): Order
  buy(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order
  sell(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order
  /** A market order that brings the position to zero; undefined when already flat. */
  closePosition(symbol?: string): Order | undefined
  cancelOrder(orderId: number): boolean

  /** Change the time between iterations (a duration string such as `5M`, or milliseconds). */
  setSleeptime(sleeptime: string | number): void
  /** State the strategy wants kept across restarts of a live bot. Must survive a JSON round trip. */
  readonly state: Record<string, unknown>
  readonly log: Logger
}

/** All optional. Each receives the context; the engine awaits nothing on the backtest hot path. */
export interface StrategyHooks {
  initialize?(ctx: StrategyContext): void
  beforeMarketOpens?(ctx: StrategyContext): void
  beforeStartingTrading?(ctx: StrategyContext): void
  onTradingIteration?(ctx: StrategyContext): void
  beforeMarketCloses?(ctx: StrategyContext): void
  afterMarketCloses?(ctx: StrategyContext): void
  onFilledOrder?(ctx: StrategyContext, order: Order, fill: Fill): void
  onCanceledOrder?(ctx: StrategyContext, order: Order): void
  onBotCrash?(ctx: StrategyContext, error: unknown): void
  onAbruptClosing?(ctx: StrategyContext): void
  onStop?(ctx: StrategyContext): void
}
