import {SimulatedClock, WallClock, type TimerClock, type TimerHandle} from '../core/clock.js'
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

/**
 * Real time for exchange feeds: the runtime's `advanceTo` does nothing (time moves by itself) and
 * market events wait on the clock's timers. Tests give it a SimulatedClock to move by hand.
 */
export class LiveWallClock implements LiveClock {
  readonly kind = 'wall' as const

  constructor(private readonly time: TimerClock = new WallClock()) {}

  now(): number {
    return this.time.now()
  }

  advanceTo(_t: number): void {}

  setAlert(time: number, fn: () => void): TimerHandle {
    return this.time.setAlert(time, fn)
  }

  cancel(handle: TimerHandle | undefined): void {
    this.time.cancel(handle)
  }
}
