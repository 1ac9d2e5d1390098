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
  /**
   * Current time of the run's clock (epoch ms, UTC). A context at time T sees exactly the bars
   * whose close (open + timeframe) is ≤ T; in an iteration, T is at or after the current bar's close.
   */
  readonly now: number
  /** The market's IANA time zone (`UTC` for 24/7), for strategies that reason in local time. */
  readonly timezone: string
  readonly symbols: readonly string[]
  /**
   * Bars seen so far (current bar included) on the run's time index. Several symbols share one
   * index: a symbol with no bar at some time reads NaN there but still counts.
   */
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

  /** Places an order. A malformed request comes back `rejected` with a `reason` instead of throwing. */
  submitOrder(request: OrderRequest): Order
  buy(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order
  sell(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order
  /** A market order that brings the position to zero; undefined when already flat. */
  closePosition(symbol?: string): Order | undefined
  cancelOrder(orderId: number): boolean

  /**
   * Change the time between iterations (a duration string such as `5M`, or milliseconds). In a
   * backtest the next iteration is never sooner than the next bar's close, so 0 or less means
   * "at the next bar".
   */
  setSleeptime(sleeptime: string | number): void
  /** State the strategy wants kept across restarts of a live bot. Must survive a JSON round trip. */
  readonly state: Record<string, unknown>
  readonly log: Logger
}

/**
 * All optional. Each receives the context; the engine awaits nothing on the backtest hot path.
 * A hook that throws stops the run: `onBotCrash` runs once, then the runner reports the error.
 * Order callbacks come after the hook or bar that caused them, never nested inside another hook.
 */
export interface StrategyHooks {
  initialize?(ctx: StrategyContext): void
  beforeMarketOpens?(ctx: StrategyContext): void
  beforeStartingTrading?(ctx: StrategyContext): void
  onTradingIteration?(ctx: StrategyContext): void
  beforeMarketCloses?(ctx: StrategyContext): void
  afterMarketCloses?(ctx: StrategyContext): void
  onFilledOrder?(ctx: StrategyContext, order: Order, fill: Fill): void
  /** Canceled by the strategy, expired (day orders), or rejected at fill time: see `order.status` and `order.reason`. */
  onCanceledOrder?(ctx: StrategyContext, order: Order): void
  onBotCrash?(ctx: StrategyContext, error: unknown): void
  onAbruptClosing?(ctx: StrategyContext): void
  onStop?(ctx: StrategyContext): void
}
