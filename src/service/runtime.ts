/**
 * The per-bot live runtime (`src/live`, another module) as the service uses it. The service only
 * ever goes through this interface, so tests can hand it a fake runtime and the real one is
 * imported once, lazily (it pulls in the engine and the broker).
 */
import type {BotSpec} from '../spec/bot-spec.js'
import type {CompareLiveOptions, CreateLiveBot, Feed, ParityReport, ReplayFeedOptions} from '../live/runtime-types.js'

export interface RuntimeApi {
  createLiveBot: CreateLiveBot
  createReplayFeed(options: ReplayFeedOptions): Feed
  replayFeedOptions(spec: BotSpec, options: {db?: string}): ReplayFeedOptions
  compareLiveToBacktest(options: CompareLiveOptions): Promise<ParityReport>
}

export async function loadRuntime(): Promise<RuntimeApi> {
  // Not a static import: the runtime lands in its own commits (see runtime-types.ts).
  const specifier = '../live/index.js'
  return (await import(specifier)) as RuntimeApi
}
