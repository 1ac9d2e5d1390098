import type {MarketCalendar, Session} from '../calendar/calendar.js'
import type {LiveSession} from './live-session.js'
import type {SchedulerState} from './runtime-types.js'
import {fromJsonTime, toJsonTime, type Schedule} from './schedule.js'

/**
 * Intraday bars, as the backtest's BacktestRunner, but event by event instead of looking ahead:
 *
 * - An iteration is due at max(last iteration + sleeptime, close of the first bar not yet seen):
 *   never without a new bar, never twice at one time. Before a bar has arrived its close is
 *   unknown, so nothing is due; a feed delivers bars in order and each closes after the last.
 * - 24/7 markets: iterations only. Exchange calendars, per session: `beforeMarketOpens` and
 *   `beforeStartingTrading` at the open; iterations while ≤ close (the first at the close of the
 *   session's first bar); `beforeMarketCloses` at close − timeframe (after an iteration due at
 *   that very time); day orders expire and `afterMarketCloses` runs at the close.
 * - Sessions without bars still run their hooks, when time passes them.
 */
export class IntradaySchedule implements Schedule {
  private session: Session | undefined
  private opened = false
  private preClosed = false
  /** Close of the last finished session; NaN before the first. */
  private anchor = NaN
  /** Last iteration + sleeptime; -Infinity at the start of a session (iterate at the next bar). */
  private wake = -Infinity
  /**
   * The first bar the strategy had not seen at the last iteration (or session open). The next
   * iteration waits for it to close, as in the backtest; the broker may have processed it since.
   */
  private mark = 0
  private readonly tf: number

  constructor(
    private readonly s: LiveSession,
    private readonly calendar: MarketCalendar,
  ) {
    this.tf = s.view.timeframeMs
  }

  async advance(t: number, end = Infinity): Promise<void> {
    const s = this.s
    for (;;) {
      if (this.calendar.alwaysOpen) {
        const it = this.due()
        if (it > t || it > end) return
        await this.iterate(it)
        continue
      }
      const session = this.current()
      if (session === undefined) return
      if (!this.opened) {
        if (session.open > t || session.open >= end) return
        await s.stepTo(session.open)
        await s.hook('beforeMarketOpens')
        await s.hook('beforeStartingTrading')
        this.opened = true
        this.preClosed = false
        this.wake = -Infinity
        this.mark = s.next
        continue
      }
      const preClose = Math.max(session.open, session.close - this.tf)
      const it = this.due()
      if (it <= t && it <= session.close && it <= end) {
        if (!this.preClosed && preClose < it) await this.preClose(preClose)
        await this.iterate(it)
        continue
      }
      if (!this.preClosed) {
        if (preClose > t) return
        await this.preClose(preClose)
        continue
      }
      if (session.close > t) return
      await s.stepTo(session.close)
      await s.hook('afterMarketCloses')
      this.anchor = session.close
      this.session = undefined
      this.opened = false
    }
  }

  finish(end: number): Promise<void> {
    return this.advance(Infinity, end)
  }

  nextEventTime(): number {
    const it = this.due()
    if (this.calendar.alwaysOpen) return it
    const session = this.current()
    if (session === undefined) return it
    if (!this.opened) return session.open
    const preClose = Math.max(session.open, session.close - this.tf)
    const iteration = it <= session.close ? it : Infinity
    return Math.min(iteration, this.preClosed ? session.close : preClose)
  }

  save(): SchedulerState {
    const x = this.session
    return {
      mode: 'intraday',
      session: x ? {open: x.open, close: x.close, opened: this.opened, preClosed: this.preClosed} : null,
      anchor: toJsonTime(this.anchor),
      wake: toJsonTime(this.wake),
    }
  }

  restore(state: SchedulerState): void {
    const x = state.session
    this.session = x ? {open: x.open, close: x.close} : undefined
    this.opened = x?.opened ?? false
    this.preClosed = x?.preClosed ?? false
    this.anchor = fromJsonTime(state.anchor, NaN)
    this.wake = fromJsonTime(state.wake, -Infinity)
    this.mark = this.s.next
  }

  /** When the next iteration may run: Infinity until a bar not yet seen has arrived. */
  private due(): number {
    const view = this.s.view
    if (this.mark >= view.length) return Infinity
    const bar = view.closeOf(this.mark)
    return this.wake > bar ? this.wake : bar
  }

  private async iterate(t: number): Promise<void> {
    await this.s.stepTo(t)
    this.mark = this.s.next
    await this.s.iterate()
    this.wake = t + this.s.sleeptimeMs
  }

  private async preClose(t: number): Promise<void> {
    await this.s.stepTo(t)
    await this.s.hook('beforeMarketCloses')
    this.preClosed = true
  }

  /**
   * The session in progress or next, looked up from the last one's close, else from the first bar
   * (as the backtest does), else on a wall clock from now (a bot started mid-session runs the
   * open hooks at once; a feed clock has no time before its first bar).
   */
  private current(): Session | undefined {
    if (this.session !== undefined) return this.session
    const s = this.s
    const from = this.anchor === this.anchor ? this.anchor : s.view.length > 0 ? s.view.time[0] : s.clock.kind === 'wall' ? s.clock.now() : NaN
    if (from !== from) return undefined
    this.session = this.calendar.nextSession(from)
    return this.session
  }
}
