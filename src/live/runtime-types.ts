/**
 * The contract between one live bot's runtime (`src/live`) and the service that runs many of them
 * (`src/service`). The service builds a feed and calls `createLiveBot`; it never touches the
 * engine, broker or strategy directly. Everything the service must persist reaches it through
 * `LiveBotEvents` (awaited where ordering matters) and `BotState` (plain JSON).
 *
 * Time: a bot reads only its `LiveClock`. A replay feed's clock is moved by the bars it delivers
 * (kind `feed`), so a replay at any speed makes the same decisions at the same clock times as a
 * backtest; wall-clock pacing lives in the feed alone. An exchange feed's clock is the wall clock
 * (kind `wall`) and the runtime sets timers for market events and iterations.
 *
 * Entry points (src/live/index.ts): `createLiveBot(options: LiveBotOptions): LiveBot`,
 * `createReplayFeed(options: ReplayFeedOptions): ReplayFeed` (a Feed with `pause()`/`resume()`
 * to simulate a dropped connection), `replayFeedOptions(spec, {db})`,
 * `compareLiveToBacktest(options: CompareLiveOptions): Promise<ParityReport>`.
 */
import type {MarketCalendar} from '../calendar/calendar.js'
import type {Bars} from '../core/bars.js'
import type {Clock} from '../core/clock.js'
import type {BotSpec} from '../spec/bot-spec.js'
import type {Fill, Order, OrderType, Side, TimeInForce} from '../strategy/context.js'
import type {StrategyDefinition} from '../strategy/definition.js'

// ─── time ───────────────────────────────────────────────────────────────────────────────────

export interface LiveClock extends Clock {
  /** `feed`: time is the delivered bars' time (replay, deterministic). `wall`: real time. */
  readonly kind: 'feed' | 'wall'
  /** A feed clock moves to `t` (never backwards); a wall clock ignores it (time moves by itself). */
  advanceTo(t: number): void
}

// ─── feeds ──────────────────────────────────────────────────────────────────────────────────

export interface BarValues {
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/** Completed bars of every subscribed symbol that share one open time. */
export interface BarBatch {
  /** Open time of the bars (epoch ms, UTC). */
  time: number
  /**
   * When they closed: open + timeframe, or the next bar's open if that comes first (daily bars
   * stamped at local midnight across DST), exactly as the backtest computes it.
   */
  close: number
  /** One entry per subscribed symbol, in subscription order; null where a symbol has no bar then. */
  bars: (BarValues | null)[]
}

export interface FeedSubscription {
  symbols: readonly string[]
  timeframeMs: number
  /** Deliver only bars that open after this time (resume after a restart); default: from the feed's start. */
  after?: number
}

export interface FeedStaleInfo {
  /** Open time of the last bar delivered (undefined before the first). */
  lastBarTime: number | undefined
  /** Wall-clock milliseconds without a bar when staleness was declared. */
  silentMs: number
}

/** What a feed calls. `bars` is awaited before the next batch is delivered: batches never overlap. */
export interface FeedListener {
  bars(batch: BarBatch): Promise<void>
  /** No bar for `staleAfterMs`. Called once per silence; a bar arriving clears it. */
  stale(info: FeedStaleInfo): void
  /** The feed has no more bars (a replay reached its end). Not called after `close()`. */
  end(): void
  /** The feed failed (e.g. the store could not be read after retries); the bot crashes with it. */
  error(error: Error): void
}

export type FeedStatus = 'idle' | 'live' | 'paused' | 'stale' | 'ended' | 'closed'

export interface Feed {
  /** `replay`, later exchange names. */
  readonly name: string
  readonly clock: LiveClock
  readonly status: FeedStatus
  /** Open time of the last batch delivered. */
  readonly lastBarTime: number | undefined
  /** Starts delivering completed bars in time order. One subscription per feed. */
  subscribe(sub: FeedSubscription, listener: FeedListener): Promise<void>
  /**
   * Bars opening in [from, through], without delivering them (warming a restored strategy).
   * Feeds that cannot serve history return [].
   */
  history(sub: FeedSubscription, from: number, through: number): Promise<BarBatch[]>
  /** Re-establishes delivery after a drop or staleness: resumes after `lastBarTime`, no duplicates, no gaps. */
  reconnect(): Promise<void>
  /** Stops delivery for good and releases timers and handles. Idempotent. */
  close(): Promise<void>
}

// ─── state (JSON; NaN and Infinity are written as null) ─────────────────────────────────────

export interface PositionState {
  symbol: string
  /** Signed: positive long, negative short. */
  quantity: number
  averagePrice: number | null
  lastPrice: number | null
}

export interface OrderState {
  id: number
  symbol: string
  side: Side
  quantity: number
  type: OrderType
  limitPrice?: number
  stopPrice?: number
  timeInForce: TimeInForce
  tag?: string
  createdAt: number
  /** Open time of the bar that was current when it was placed (it never fills on it); null before any bar. */
  signalBarTime: number | null
  /** Day orders: the session close they expire at; GTC: null. */
  expiresAt: number | null
  /** Stop-limit whose stop was touched (now a limit order). */
  triggered: boolean
}

/** A round trip in progress (so the trade that closes after a restart has the right entry). */
export interface OpenTradeState {
  symbol: string
  side: 'long' | 'short'
  quantity: number
  entryTime: number
  entryPrice: number
  exitQuantity: number
  exitPrice: number | null
  commission: number
  grossPnl: number
}

/**
 * Everything needed to resume a bot after the whole process died. Plain JSON. Any state the bot
 * hands out can be given back as `initialState`: a checkpoint resumes from itself, any other
 * (the state at a fill, at a crash, a `snapshot()` taken mid-step) from the checkpoint it carries.
 */
export interface BotState {
  version: 1
  /**
   * True when every event at or before `time` has run and nothing after (`onCheckpoint`, the state
   * `stop()` returns). A state taken in the middle of a step is not: resuming from it would lose the
   * rest of that step, so it carries `lastCheckpoint` and resuming uses that.
   */
  checkpoint: boolean
  /** Non-checkpoint states: the latest checkpoint before them (null: none yet, resume = start afresh). */
  lastCheckpoint?: BotState | null
  botId: string
  strategy: string
  symbols: string[]
  timeframeMs: number
  /** Clock time of the snapshot. In a checkpoint, every event at or before it has run. */
  time: number
  /** Open time of the first bar this bot ever processed (warm-up replays from here); null before any. */
  firstBarTime: number | null
  /** Open time of the last bar processed, per symbol (null: none yet). */
  lastBarTime: Record<string, number | null>
  initialCash: number
  cash: number
  /** Gross realised P&L; commissions apart. */
  realizedPnl: number
  commissions: number
  positions: PositionState[]
  openOrders: OrderState[]
  openTrades: OpenTradeState[]
  /** The id the next order gets: ids are never reused across restarts. */
  nextOrderId: number
  /** Fills so far (all time). */
  fillCount: number
  /** The strategy's `ctx.state`. */
  strategyState: Record<string, unknown>
  /** The scheduler: iterations so far, the last one's time, the sleeptime the strategy last set. */
  iterations: number
  lastIterationTime: number | null
  sleeptimeMs: number
  /** Where the market-event schedule stands (opaque to the service). */
  scheduler: SchedulerState
}

/** The schedule's position: the session in progress and the earliest next iteration. */
export interface SchedulerState {
  mode: 'daily' | 'intraday'
  /** The session whose hooks are in progress (intraday on an exchange calendar); null: none. */
  session: {open: number; close: number; opened: boolean; preClosed: boolean} | null
  /** The close of the last finished session (where the next one is looked up from). */
  anchor: number | null
  /** No iteration before this (last iteration + sleeptime); null: at the next bar. */
  wake: number | null
}

// ─── the bot ────────────────────────────────────────────────────────────────────────────────

export type LiveBotStatus = 'created' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed'

/**
 * `shutdown`: the process is going away (SIGINT/SIGTERM) → `onAbruptClosing`.
 * `stop`: a deliberate stop (disable, remove, reload, end of a replay) → `onStop`.
 */
export type StopReason = 'stop' | 'shutdown'

export interface LiveBar extends BarValues {
  symbol: string
  /** Open time. */
  time: number
  /** Close time (see BarBatch.close). */
  closeTime: number
}

export interface IterationInfo {
  /** Clock time of the iteration. */
  time: number
  /** Iterations so far, this one included (all time). */
  iterations: number
  portfolioValue: number
  cash: number
}

export interface LiveLogEntry {
  time: number
  level: 'info' | 'warn' | 'error'
  message: string
}

/** All optional. Handlers that return a promise are awaited where noted; none may throw. */
export interface LiveBotEvents {
  /**
   * A fill, with the state right after it (mid-step: `checkpoint` false). AWAITED before the
   * strategy's `onFilledOrder` runs.
   */
  onFill?(fill: Fill, order: Order, state: BotState): void | Promise<void>
  /** An order the strategy placed (a decision), after the hook that placed it. Awaited. */
  onOrder?(order: Order): void | Promise<void>
  /** A bar the bot acted on (the broker matched it, the strategy can see it). Awaited, in time order. */
  onBar?(bar: LiveBar): void | Promise<void>
  onIteration?(info: IterationInfo): void
  /**
   * A resumable state, after every batch of bars (and timer step) was fully processed. Awaited.
   * Persist the latest: a restart from it re-delivers at most the bars after it, and those make
   * the same orders with the same ids (store fills keyed by (bot, orderId) to stay idempotent).
   */
  onCheckpoint?(state: BotState): void | Promise<void>
  /** After `onBotCrash` ran. The bot has stopped itself (status `crashed`); `state` is its last. */
  onCrash?(error: Error, state: BotState): void
  onFeedStale?(info: FeedStaleInfo): void
  /** The feed ended (replay done); the bot then stops itself with `onStop`. */
  onFeedEnd?(): void
  onLog?(entry: LiveLogEntry): void
  onStatus?(status: LiveBotStatus): void
}

/** The spec fields a live bot reads. */
export type LiveSpec = Pick<BotSpec, 'symbols' | 'timeframeMs' | 'sleeptimeMs' | 'broker' | 'market'> & Partial<Pick<BotSpec, 'strategy' | 'name'>>

export interface LiveBotOptions {
  botId: string | number
  spec: LiveSpec
  definition: StrategyDefinition
  /** Validated params with defaults applied; default `spec.strategy.params`. */
  params?: Record<string, unknown>
  feed: Feed
  /** Default: `feed.clock`. */
  clock?: LiveClock
  /** Default: `createCalendar(spec.market)`. */
  calendar?: MarketCalendar
  /**
   * Resume from here instead of starting fresh (any state the bot handed out; see BotState). The
   * strategy is rebuilt by replaying the feed's history from `firstBarTime` through the state's
   * last bar against a scratch broker (its orders are discarded; `initialize` runs first, once),
   * then the restored account takes over and the feed resumes after that bar.
   */
  initialState?: BotState
  events?: LiveBotEvents
  /** Timers for wall-clock feeds (tests pass fakes); default the global setTimeout. */
  timers?: Timers
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface LiveBotOutcome {
  status: 'stopped' | 'crashed'
  /** Why it stopped: the StopReason given, `feed-ended`, or `crash`. */
  reason: StopReason | 'feed-ended' | 'crash'
  error?: Error
  state: BotState
}

export interface LiveBot {
  readonly botId: string
  readonly status: LiveBotStatus
  readonly feed: Feed
  /**
   * Restores and warms up (when resuming), subscribes the feed; on a wall clock runs `initialize`
   * first. On a feed clock `initialize` runs when the first bar arrives (its clock then reads that
   * bar's open, as in a backtest), so a crash there comes through `onCrash`/`done`. Rejects if
   * setup fails.
   */
  start(): Promise<void>
  /**
   * Stops after the batch in progress: `onAbruptClosing` (shutdown) or `onStop` (stop), closes the
   * feed, and returns the final state. Safe to call twice or after the bot stopped by itself.
   */
  stop(reason?: StopReason): Promise<BotState>
  /** The state now (for metrics; resumable like any other, see BotState.checkpoint). */
  snapshot(): BotState
  /** Settles when the bot stops for any reason (never rejects). */
  readonly done: Promise<LiveBotOutcome>
}

export type CreateLiveBot = (options: LiveBotOptions) => LiveBot

// ─── feeds the service can build ────────────────────────────────────────────────────────────

export interface ReplayFeedOptions {
  /** DuckDB store to read once (read-only, closed right after; retried while another process holds it). */
  db?: string
  symbols: readonly string[]
  /** `1D`, `5M`… or ms. */
  timeframe: string | number
  /** First bar (epoch ms, inclusive); default the first bar in the store. */
  start?: number
  /** Exclusive end; default all bars. */
  end?: number
  /** Bars (batches) per second; Infinity = as fast as the bot takes them (tests). */
  speed: number
  /** Declare the feed stale after this many wall-clock ms without a bar. */
  staleAfterMs?: number
}

// ─── parity (backtest ↔ live) ───────────────────────────────────────────────────────────────

/** One decision or fill as recorded live, or as the backtest made it. */
export interface ParityEvent {
  kind: 'order' | 'fill'
  orderId: number
  symbol: string
  side: Side
  quantity: number
  /** Order: its type; fill: undefined. */
  type?: OrderType
  /** Fill: price; order: limit or stop price if any. */
  price?: number
  /** Order: createdAt; fill: fill time. */
  time: number
}

export interface ParityDifference {
  /** Position in the merged, time-ordered event list where the two first disagree. */
  index: number
  /** What differs: a field name, or `missing-live` / `missing-backtest`. */
  field: string
  live?: ParityEvent
  backtest?: ParityEvent
}

export interface ParityReport {
  same: boolean
  /** Events compared (orders and fills). */
  compared: number
  firstDifference?: ParityDifference
  backtest: {fills: number; orders: number; finalValue: number}
}

/** What `compareLiveToBacktest` needs: the spec and strategy, the bars the bot acted on, what it did. */
export interface CompareLiveOptions {
  spec: LiveSpec
  definition: StrategyDefinition
  params?: Record<string, unknown>
  /** The recorded bars (`onBar`), one series per symbol, as `Bars` or as `LiveBar` rows. */
  bars: readonly Bars[] | readonly LiveBar[]
  /** What the bot did live: its fills (`onFill`) and, if recorded, its orders (`onOrder`). */
  live: {fills: readonly Fill[]; orders?: readonly Order[]}
  calendar?: MarketCalendar
}
