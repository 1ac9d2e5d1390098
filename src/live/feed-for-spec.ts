import {storedSeries} from '../data/file-series.js'
import {resolveWindow} from '../backtest/window.js'
import {marketTimezone} from '../calendar/index.js'
import type {BotSpec} from '../model/bot-spec.js'
import {createReplayFeed, type ReplayFeed} from './replay-feed.js'
import type {ReplayFeedOptions} from './runtime-types.js'

export interface FeedOverrides {
  /** The store to replay from: `--db`, else the spec's `data.db`, else BOTS_DB / `.bots/bots.duckdb`. */
  db?: string
  /** Replace `live.feed.speed` (tests: Infinity). */
  speed?: number
  staleAfterMs?: number
}

/** `live.feed` of a spec as replay options: `start` is a date read in the market's time zone. */
export function replayFeedOptions(spec: BotSpec, over: FeedOverrides = {}): ReplayFeedOptions {
  const feed = spec.live.feed
  const {startMs} = resolveWindow(feed.start, undefined, marketTimezone(spec.market))
  return {
    db: over.db ?? spec.data.db,
    symbols: spec.symbols,
    series: spec.symbols.map((s) => storedSeries(spec.data, s)),
    timeframe: spec.timeframeMs,
    start: startMs,
    speed: over.speed ?? feed.speed,
    staleAfterMs: over.staleAfterMs ?? feed.staleAfterMs,
  }
}

/** The replay feed a spec asks for (an exchange feed comes with its broker: exchange/live-parts.ts). */
export function createFeedForSpec(spec: BotSpec, over: FeedOverrides = {}): ReplayFeed {
  return createReplayFeed(replayFeedOptions(spec, over))
}
