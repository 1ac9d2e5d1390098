import {SimulatedClock, WallClock} from '../core/clock.js'
import type {LiveClock} from './runtime-types.js'

/**
 * A replay's clock: time is the time of the bars delivered, moved forward by the runtime as it
 * processes them (bar open, bar close, market events in between). Replaying the same bars at any
 * speed therefore gives the same clock readings in every hook, as a backtest does.
 */
export class FeedClock extends SimulatedClock implements LiveClock {
  readonly kind = 'feed' as const

  constructor(start = 0) {
    super(start)
  }
}

/** Real time for exchange feeds. `advanceTo` does nothing: the runtime waits for time instead. */
export class LiveWallClock implements LiveClock {
  readonly kind = 'wall' as const
  private readonly wall = new WallClock()

  now(): number {
    return this.wall.now()
  }

  advanceTo(_t: number): void {}
}
