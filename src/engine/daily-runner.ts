import {SimulatedSession} from './simulated-session.js'

/**
 * Daily (or longer) bars: a plain walk over the date index, one iteration per bar at its close
 * (fewer if `sleeptime` is longer than a day: the next iteration is the first bar closing at least
 * `sleeptime` after the last one, give or take half a bar for DST). With an exchange calendar each bar is one trading day:
 * `beforeMarketOpens` and `beforeStartingTrading` at the bar's open (the bar not seen yet; market
 * orders placed there fill at its open), then the iteration at its close, then
 * `beforeMarketCloses` and `afterMarketCloses`. A 24/7 market runs no open/close hooks, exactly
 * like the Backtest runner, so both give the same results on daily bars.
 */
export class DailyRunner extends SimulatedSession {
  protected async runLoop(): Promise<void> {
    const view = this.view
    const invoker = this.invoker
    const hooks = !this.calendar.alwaysOpen
    // Bars stamped at local midnight are 23 or 25 hours apart across DST: half a bar of slack
    // keeps a 1-day sleeptime from skipping the short day.
    const slack = view.timeframeMs / 2
    let wake = -Infinity
    for (let i = 0; i < view.length; i++) {
      if (hooks) {
        this.stepTo(view.time[i])
        invoker.call('beforeMarketOpens')
        invoker.call('beforeStartingTrading')
      }
      const t = view.closeOf(i)
      this.stepTo(t)
      if (t + slack >= wake) {
        this.iterate()
        const s = this.api.sleeptimeMs
        wake = t + (s > 0 ? s : 0)
      }
      if (hooks) {
        invoker.call('beforeMarketCloses')
        invoker.call('afterMarketCloses')
      }
      if (this.yieldDue) await this.pause()
    }
  }
}
