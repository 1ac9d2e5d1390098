import type {MarketCalendar} from '../calendar/calendar.js'
import type {LiveSession} from './live-session.js'
import type {SchedulerState} from './runtime-types.js'
import {fromJsonTime, toJsonTime, type Schedule} from './schedule.js'

/**
 * Daily bars, as the backtest's DailyRunner: each bar is a trading day. With an exchange calendar
 * `beforeMarketOpens` and `beforeStartingTrading` run at the bar's open (the bar not seen yet),
 * the iteration at its close, then `beforeMarketCloses` and `afterMarketCloses`. A sleeptime over
 * a day skips bars, with half a bar of slack for DST. Driven by bars alone: a day is done when its
 * bar has arrived, so there is nothing to wait for on a timer.
 */
export class DailySchedule implements Schedule {
  /** The first received bar this schedule has not run yet. */
  private done = 0
  private wake = -Infinity
  private readonly hooks: boolean

  constructor(
    private readonly s: LiveSession,
    calendar: MarketCalendar,
  ) {
    this.hooks = !calendar.alwaysOpen
  }

  async advance(t: number): Promise<void> {
    const s = this.s
    const view = s.view
    const slack = view.timeframeMs / 2
    while (this.done < view.length && view.closeOf(this.done) <= t) {
      const i = this.done++
      if (this.hooks) {
        await s.stepTo(view.time[i])
        await s.hook('beforeMarketOpens')
        await s.hook('beforeStartingTrading')
      }
      const close = view.closeOf(i)
      await s.stepTo(close)
      if (close + slack >= this.wake) {
        await s.iterate()
        this.wake = close + s.sleeptimeMs
      }
      if (this.hooks) {
        await s.hook('beforeMarketCloses')
        await s.hook('afterMarketCloses')
      }
    }
  }

  async finish(end: number): Promise<void> {
    await this.advance(end)
  }

  nextEventTime(): number {
    return Infinity
  }

  save(): SchedulerState {
    return {mode: 'daily', session: null, anchor: null, wake: toJsonTime(this.wake)}
  }

  /** Bars already in the view (a warm-up) were run; what arrives next is new. */
  restore(state: SchedulerState): void {
    this.done = this.s.view.length
    this.wake = fromJsonTime(state.wake, -Infinity)
  }
}
