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
 * `createReplayFeed(options: ReplayFeedOptions): ReplayFeed` (a Feed with `pause()` to simulate a
 * dropped connection, `reconnect()` to resume), `replayFeedOptions(spec, {db})`,
 * `compareLiveToBacktest(options: CompareLiveOptions): Promise<ParityReport>`.
 */
import type {MarketCalendar} from '../calendar/calendar.js'
import type {Clock, TimerHandle} from '../core/clock.js'
import type {VenueBrokerFactory} from '../broker/venue-broker.js'
import type {VenueLimits} from '../broker/venue-limits.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {Fill, Order} from '../model/orders.js'
import type {StrategyDefinition, StrategyHooks} from '../model/strategy.js'
import type {BarValues, Feed, FeedStaleInfo} from './feed-types.js'
import type {BotState} from './state-types.js'

// ─── time ───────────────────────────────────────────────────────────────────────────────────

export interface LiveClock extends Clock {
  /** `feed`: time is the delivered bars' time (replay, deterministic). `wall`: real time. */
  readonly kind: 'feed' | 'wall'
  /** A feed clock moves to `t` (never backwards); a wall clock ignores it (time moves by itself). */
  advanceTo(t: number): void
  /** Calls `fn` when the clock reaches `time` (a wall clock's market events and iterations). */
  setAlert(time: number, fn: () => void): TimerHandle
  cancel(handle: TimerHandle | undefined): void
}

export type * from './feed-types.js'
export type * from './state-types.js'
export type * from './parity-types.js'

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
  /** An order the strategy placed (a decision), after the hook that placed it. Not awaited; before any fill of it. */
  onOrder?(order: Order): void
  /**
   * Exchange brokers: the order (already reported by `onOrder`, with its `clientOrderId`) is about
   * to be sent. AWAITED: resolve once the order is on disk, so an order is never on the exchange
   * without a record of it.
   */
  onOrderIntent?(order: Order): Promise<void>
  /** A bar the bot acted on (the broker matched it, the strategy can see it), in time order. Not awaited. */
  onBar?(bar: LiveBar): void
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
export type LiveSpec = Pick<BotSpec, 'symbols' | 'timeframeMs' | 'sleeptimeMs' | 'broker' | 'market'> & Partial<Pick<BotSpec, 'strategy' | 'name' | 'live'>>

export interface LiveBotOptions {
  botId: string | number
  spec: LiveSpec
  definition: StrategyDefinition
  /** Validated params with defaults applied; default `spec.strategy.params`. */
  params?: Record<string, unknown>
  /** The strategy's hooks when made elsewhere (a strategy worker); default `definition.create(params)`. */
  hooks?: StrategyHooks
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
  /**
   * A fresh start on a feed with recent history (an exchange): this many of the latest closed bars
   * are run through the strategy first (shown as bars, their orders discarded on a scratch paper
   * broker), so its indicators are warm when live bars come. A strategy that honours its
   * `warmup()` places no order on them. Default 0.
   */
  warmupBars?: number
  /** Orders go to this exchange (`live.broker: exchange`); without it the paper broker fills them. */
  exchange?: LiveExchangeOptions
  /**
   * Without `exchange`: the paper broker (and a warm-up's scratch broker) refuses what this venue's
   * broker refuses, as `bots parity` replays an exchange bot (broker/venue-limits.ts).
   */
  limits?: VenueLimits
}

/** How a live bot's orders reach an exchange (src/exchange/exchange-broker.ts makes the broker). */
export interface LiveExchangeOptions {
  createBroker: VenueBrokerFactory
  /** How often working orders are checked with the exchange between bars (ms). */
  pollMs: number
}

export interface LiveBotOutcome {
  status: 'stopped' | 'crashed'
  /** Why it stopped: the StopReason given, `feed-ended`, or `crash`. */
  reason: StopReason | 'feed-ended' | 'crash'
  error?: Error
  state: BotState
  /** Stopped: the account's value at the last close it processed (cash, and positions marked there). */
  value?: number
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

