/** What a market data feed offers a live bot (the replay feed first; exchange feeds later). */
import type {Ohlcv} from '../model/bars.js'
import type {LiveClock} from './runtime-types.js'

// ─── feeds ──────────────────────────────────────────────────────────────────────────────────

/** One symbol's prices and volume in a batch (the model's Ohlcv). */
export type BarValues = Ohlcv

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
  /**
   * The latest `n` closed bars before delivery starts (a fresh bot's warm-up on an exchange).
   * Feeds without recent history leave it out.
   */
  recent?(sub: FeedSubscription, n: number): Promise<BarBatch[]>
  /** Re-establishes delivery after a drop or staleness: resumes after `lastBarTime`, no duplicates, no gaps. */
  reconnect(): Promise<void>
  /** Stops delivery for good and releases timers and handles. Idempotent. */
  close(): Promise<void>
}

export interface ReplayFeedOptions {
  /** DuckDB store to read once (read-only, closed right after; retried while another process holds it). */
  db?: string
  symbols: readonly string[]
  /** The stored series of each symbol when not the symbol itself (a spec's data file: data/file-series.ts). */
  series?: readonly (string | undefined)[]
  /** `1D`, `5M`… or ms. */
  timeframe: string | number
  /** First bar (epoch ms, inclusive); default the first bar in the store. */
  start?: number
  /** Exclusive end; default all bars. */
  end?: number
  /** Bars (batches) per second, paced on the feed's wall clock; Infinity = as fast as the bot takes them (tests). */
  speed: number
  /** Declare the feed stale after this many ms without a bar, on the feed's wall clock (`createReplayFeed(options, wall)`). */
  staleAfterMs?: number
}

