import type {Session} from '../calendar/calendar.js'
import {SimulatedSession} from './simulated-session.js'

/**
 * Intraday bars. A 24/7 market is one endless session: no open/close hooks, iterations from the
 * first bar's close every `sleeptime`. An exchange calendar runs, for each session [open, close):
 *
 * 1. at `open`: `beforeMarketOpens`, then `beforeStartingTrading` (the session's bars not seen yet);
 * 2. iterations: the first when the session's first bar closes, then every `sleeptime`, never
 *    sooner than the next bar's close, while the time is ≤ `close` (the last one may be at `close`
 *    and see the session's last bar; orders placed then fill in the next session);
 * 3. `beforeMarketCloses` once, at `close − timeframe` (after an iteration due at that same time),
 *    so that market orders placed there still fill on the session's last bar;
 * 4. at `close`: day orders expire, then `afterMarketCloses`.
 *
 * A sleeptime reaching past the close ends the session's iterations; the next session starts
 * afresh at its first bar. Past the last bar's close there are no iterations (as on 24/7).
 * Bars outside every session are still processed by the broker.
 */
export class BacktestRunner extends SimulatedSession {
  protected async runLoop(): Promise<void> {
    const n = this.view.length
    if (n === 0) return
    const end = this.view.closeOf(n - 1)
    if (this.calendar.alwaysOpen) {
      this.wake = this.view.closeOf(0)
      while (this.wake <= end) {
        this.runAlwaysOpen(end)
        if (this.yieldDue) await this.pause()
      }
      return
    }
    for (const session of this.calendar.sessions(this.view.time[0], end)) {
      this.runSession(session, end)
      if (this.yieldDue) await this.pause()
    }
  }

  /** Iterations of a 24/7 market until the end or a progress pause, synchronously (the hot loop). */
  private runAlwaysOpen(end: number): void {
    // Times travel in fields (`wake`, `target`), not arguments: see SimulatedSession.advance.
    while (this.wake <= end && !this.yieldDue) {
      this.target = this.wake
      this.advance()
      this.iterate()
      this.scheduleNext()
    }
  }

  private runSession(session: Session, end: number): void {
    const invoker = this.invoker
    this.stepTo(session.open)
    invoker.call('beforeMarketOpens')
    invoker.call('beforeStartingTrading')
    const preClose = Math.max(session.open, session.close - this.view.timeframeMs)
    let preClosed = false
    const last = Math.min(session.close, end)
    let t = this.next < this.view.length ? this.view.closeOf(this.next) : Infinity
    while (t <= last) {
      if (!preClosed && preClose < t) {
        this.stepTo(preClose)
        invoker.call('beforeMarketCloses')
        preClosed = true
      }
      this.stepTo(t)
      this.iterate()
      t = this.nextIterationTime(t)
    }
    if (!preClosed) {
      this.stepTo(preClose)
      invoker.call('beforeMarketCloses')
    }
    this.stepTo(session.close)
    invoker.call('afterMarketCloses')
  }
}
