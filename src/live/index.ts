/**
 * The live runtime of one bot, for the service (`src/service`) and for tests. See
 * runtime-types.ts for the contract and README.md for how time works live and in replay.
 */
export type * from './runtime-types.js'
export {createLiveBot} from './live-bot.js'
export {ReplayFeed, createReplayFeed} from './replay-feed.js'
export {createFeedForSpec, replayFeedOptions, type FeedOverrides} from './feed-for-spec.js'
export {FeedClock, LiveWallClock} from './live-clock.js'
export {compareLiveToBacktest, rowsToBars} from './parity.js'
