/**
 * Bars a live bot recorded, played back to a live bot as its feed did: the first `recent` of them
 * as the exchange's recent history (a fresh bot's warm-up), the rest delivered one batch at a
 * time, as fast as the bot takes them, then the end. `bots parity` replays a warmed-up exchange bot
 * this way, through the live runtime itself. No wall clock: the bot's clock is the bars'.
 */
import {FeedClock} from './live-clock.js'
import type {BarBatch, Feed, FeedListener, FeedStatus, FeedSubscription} from './feed-types.js'

export class RecordedFeed implements Feed {
  readonly name = 'recorded'
  readonly clock = new FeedClock(-Infinity)
  lastBarTime: number | undefined
  private state: FeedStatus = 'idle'

  /** `batches` in time order; the first `recent` are the warm-up's. */
  constructor(private readonly batches: readonly BarBatch[], private readonly recentCount: number) {}

  get status(): FeedStatus {
    return this.state
  }

  async recent(_sub: FeedSubscription, n: number): Promise<BarBatch[]> {
    const warm = this.batches.slice(0, this.recentCount)
    return warm.slice(Math.max(0, warm.length - n))
  }

  async history(): Promise<BarBatch[]> {
    return []
  }

  async subscribe(sub: FeedSubscription, listener: FeedListener): Promise<void> {
    this.state = 'live'
    const from = this.batches.findIndex((b) => sub.after === undefined || b.time > sub.after)
    // Delivered after subscribe returns, as a feed's bars arrive: the bot is set up by then.
    void (async () => {
      try {
        for (const batch of from < 0 ? [] : this.batches.slice(from)) {
          if (this.state !== 'live') return
          await listener.bars(batch)
          this.lastBarTime = batch.time
        }
        if (this.state !== 'live') return
        this.state = 'ended'
        listener.end()
      } catch (error) {
        listener.error(error instanceof Error ? error : new Error(String(error)))
      }
    })()
  }

  async reconnect(): Promise<void> {}

  async close(): Promise<void> {
    this.state = 'closed'
  }
}
