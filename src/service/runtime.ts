/**
 * The per-bot live runtime (`src/live`, another module) as the service uses it. The service only
 * ever goes through this interface, so tests can hand it a fake runtime and the real one is
 * imported once, lazily (it pulls in the engine and the broker).
 */
import type {TimerClock} from '../core/clock.js'
import type {BotSpec} from '../model/bot-spec.js'
import type {ExchangeParts} from '../exchange/live-parts.js'
import type {CompareLiveOptions, CreateLiveBot, Feed, ParityReport, ReplayFeedOptions} from '../live/runtime-types.js'

export interface RuntimeApi {
  createLiveBot: CreateLiveBot
  /** `wall`: the service's clock, for the feed's pacing and staleness. */
  createReplayFeed(options: ReplayFeedOptions, wall: TimerClock): Feed
  replayFeedOptions(spec: BotSpec, options: {db?: string}): ReplayFeedOptions
  compareLiveToBacktest(options: CompareLiveOptions): Promise<ParityReport>
  /** `live.exchange` of a spec: the exchange feed and/or the order venue it asks for (one ccxt client per account). */
  exchangeParts(spec: BotSpec, options: {clock: TimerClock; env?: NodeJS.ProcessEnv; log?: (level: 'info' | 'warn' | 'error', message: string) => void}): Promise<ExchangeParts>
}

export type {ExchangeParts}

/** Imported on first use only, so the management commands stay quick to start. */
export async function loadRuntime(): Promise<RuntimeApi> {
  const [live, exchange] = await Promise.all([import('../live/index.js'), import('../exchange/live-parts.js')])
  return {...live, exchangeParts: exchange.exchangeParts}
}
