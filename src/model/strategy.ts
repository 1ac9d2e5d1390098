/**
 * The strategy contract: what a strategy sees (the context), the hooks it implements, and the
 * definition a plugin default-exports. One API for the Backtest, Daily and Live runners: nothing
 * here may assume a backtest. Reads are cheap (no allocation per call on the hot path): price
 * accessors take a bars-ago offset, `history()` hands out views that share memory with the
 * engine's arrays. Helpers for plugin authors (`defineStrategy`) are in src/strategy/definition.ts.
 */
import type {BarHistory, Bars} from './bars.js'
import type {MarketSpec} from './bot-spec.js'
import type {Bracket, BracketExits, Fill, Order, OrderChanges, OrderRequest} from './orders.js'

export interface Logger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/**
 * What a strategy may ask of the market's calendar: trading sessions (open and close, epoch ms)
 * overlapping [from, to), and the first session that has not closed by `t`. The engine's MarketCalendar is one.
 */
export interface MarketSessions {
  sessions(from: number, to: number): ReadonlyArray<{readonly open: number; readonly close: number}>
  nextSession(t: number): {readonly open: number; readonly close: number} | undefined
}

/**
 * Internal to the built-in `rules` runtime: a context may offer, under this key, a symbol's whole
 * bar columns on the run's time index, to read up to `barCount()` in place instead of calling an
 * accessor per value. Not part of the plugin API: an index past the current bar would look ahead.
 */
export const BAR_COLUMNS: unique symbol = Symbol('bots.barColumns')

export type BarColumns = Omit<BarHistory, 'length'>

export interface StrategyContext {
  /** See BAR_COLUMNS (internal). */
  [BAR_COLUMNS]?(symbol: string): BarColumns
  /**
   * Current time of the run's clock (epoch ms, UTC). A context at time T sees exactly the bars
   * whose close (open + timeframe) is ≤ T; in an iteration, T is at or after the current bar's close.
   */
  readonly now: number
  /** The market's IANA time zone (`UTC` for 24/7), for strategies that reason in local time. */
  readonly timezone: string
  /** The market's calendar (sessions, early closes), when the run has one: a daily bar ends at its session's close. Absent in a plugin's worker. */
  readonly calendar?: MarketSessions
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
  /**
   * Currency per point of price per unit: the spec's `instruments.<symbol>.multiplier` (a futures
   * contract's size), 1 for a plain unit. A unit's notional is price × multiplier.
   */
  multiplier(symbol?: string): number
  /**
   * The quantity step the broker rounds orders down to: the spec's `instruments.<symbol>.lot_size`
   * (0.001 for a crypto pair traded in thousandths, 100 for round lots); 0 without one (any
   * quantity goes). Optional: a context may not know it.
   */
  lotSize?(symbol?: string): number
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
   * Two orders as an OCO pair (one-cancels-other): when either fills (its first part, with
   * `broker.max_volume_share`) or ends unfilled, the other is canceled. When one bar reaches both,
   * a leg reached at the open fills, else `broker.same_bar` decides. If either leg is refused at
   * once (a malformed request), neither works: `b` is rejected with `a`, `a` canceled with `b`.
   */
  submitOco(a: OrderRequest, b: OrderRequest): [Order, Order]
  /**
   * A bracket: `entry`, then a stop-loss (stop order at `stopLoss`, or a trailing stop) and a
   * take-profit (limit order at `takeProfit`) for the same quantity on the other side, an OCO pair
   * that works from the bar after the entry has completely filled. If the entry ends with nothing
   * filled, the legs are canceled; if it ends after a part filled, they protect that part.
   */
  submitBracket(entry: OrderRequest, exits: BracketExits): Bracket
  /**
   * Replaces working order `orderId` with a copy carrying `changes` (new prices, quantity): the old
   * order is canceled (`replaced by order N`), the new one keeps its OCO partner, bracket entry and
   * legs, and works from the next bar. Undefined when the order is not working.
   */
  replaceOrder(orderId: number, changes: OrderChanges): Order | undefined

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

/** A JSON Schema (2020-12) object schema for a strategy's params. */
export type ParamsSchema = {
  type: 'object'
  properties?: Record<string, Record<string, unknown>>
  required?: string[]
  additionalProperties?: boolean | Record<string, unknown>
  [keyword: string]: unknown
}

/** A problem the schema cannot express (e.g. `fast < slow`); `param` names the param to point at. */
export interface ParamProblem {
  param?: string
  message: string
  hint?: string
}

/** The market a bot trades in, as its spec gives it: `24/7`, `NYSE`, or custom regular hours (`timezone`, `open`, `close`, `days`, `holidays`). */
export type {MarketSpec, CustomMarket} from './bot-spec.js'

/**
 * The bot a strategy's params are checked for (the second argument of `check`): what its spec
 * says it trades, on which bars, in which market. Plain JSON, a copy: changing it changes nothing.
 */
export interface StrategyBot {
  /** The spec's `symbols`, in order. */
  readonly symbols: readonly string[]
  /** The spec's `timeframe` as written (`5M`, `1D`). */
  readonly timeframe: string
  /** The bar length in milliseconds (`1D` is 86,400,000). */
  readonly timeframeMs: number
  /** The spec's `market` (defaults applied: `24/7` when not written). */
  readonly market: MarketSpec
}

/**
 * What a strategy plugin default-exports. `create` builds fresh hooks (and their private state)
 * for one run; it is called once per run, so one definition can serve many bots at once.
 */
export interface StrategyDefinition<P extends object = Record<string, any>> {
  name: string
  description: string
  params: ParamsSchema
  /**
   * Cross-parameter rules beyond the schema. Runs only after the schema passed.
   *
   * `bot`, when given, is the bot the params are for: rules that depend on it belong here too, so
   * `bots validate` reports them instead of a run that silently does something else (a weight for
   * a symbol the bot does not trade, an intraday strategy on daily bars or a 24/7 market).
   * Validating a spec (also in the plugin's worker), `--param` overrides, sweeps and starting a
   * live bot pass it; code that calls `check(params)` itself may not, so a check must work without
   * it (skip the bot's rules then). E.g. `(p, bot) => bot && bot.timeframeMs >= 86_400_000 ?
   * [{message: 'needs intraday bars'}] : []`; a problem with no `param` points at `strategy.params`.
   */
  check?(params: P, bot?: StrategyBot): ParamProblem[]
  /** Bars of history the strategy needs before its first decision (used for reports and live warm-up). */
  warmup?(params: P): number
  create(params: P): StrategyHooks
  /**
   * Optional: the strategy's indicator values over one symbol's bars, one column per output (NaN
   * before an indicator has a value), as a run computes them. `bots backtest --out` writes them
   * to indicators.csv and indicators.parquet, and the report draws them. The `rules` strategy has
   * it. `calendar`: the bot's market, as a run's context offers it (`ctx.calendar`), so that values
   * change on the bars where the run saw them change (a daily bar closes at its session's close).
   */
  indicatorSeries?(params: P, bars: Bars, timeZone: string, calendar?: MarketSessions): IndicatorSeries[]
}

/** One indicator output over a run's bars: `name` (one output) or `name.output`. */
export interface IndicatorSeries {
  column: string
  values: Float64Array
}

/** Every hook a strategy may implement, in lifecycle order: for code that wraps or forwards hooks. */
export const HOOK_NAMES: readonly (keyof StrategyHooks)[] = [
  'initialize', 'beforeMarketOpens', 'beforeStartingTrading', 'onTradingIteration', 'beforeMarketCloses',
  'afterMarketCloses', 'onFilledOrder', 'onCanceledOrder', 'onBotCrash', 'onAbruptClosing', 'onStop',
]
