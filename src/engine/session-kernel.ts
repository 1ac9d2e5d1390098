import type {MarketCalendar, Session} from '../calendar/calendar.js'
import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {LifecycleHook, HookInvoker} from './hook-invoker.js'
import type {MarketView} from './market-view.js'
import type {StrategyApi} from './strategy-api.js'

/** The clock as the kernel moves it: a simulated clock follows; a wall clock ignores (time moves by itself). */
export interface KernelClock {
  now(): number
  advanceTo(t: number): void
}

/** What a live run reports as it goes. A backtest has none: nothing is reported per bar. */
export interface KernelObserver {
  /** Bar `i` was matched by the broker and the strategy can see it; the clock is at its close. */
  bar(i: number, close: number): void
  /** An iteration ran and its order events were delivered. */
  iteration(): void
}

/** Where the schedule stands, as plain JSON (a live bot saves it; see SchedulerState). */
export interface KernelScheduleState {
  mode: 'daily' | 'intraday'
  session: {open: number; close: number; opened: boolean; preClosed: boolean} | null
  anchor: number | null
  wake: number | null
}

export interface SessionKernelParts {
  clock: KernelClock
  view: MarketView
  broker: SimulatedBroker
  api: StrategyApi
  invoker: HookInvoker
  calendar: MarketCalendar
  /** `daily`: one trading day per bar (DailyRunner); `intraday`: calendar sessions and sleeptime (BacktestRunner). */
  mode: 'daily' | 'intraday'
  /** With no session finished and no bar yet, look the first session up from now (a wall clock) rather than wait for a bar. */
  sessionsFromNow?: boolean
  observer?: KernelObserver
}

// Events of the schedule. Numbers, not strings: the kernel compares them every bar.
const NONE = 0
const OPEN = 1 // beforeMarketOpens
const START = 2 // beforeStartingTrading
const ITERATE = 3 // onTradingIteration
const PRE_CLOSE = 4 // beforeMarketCloses
const CLOSE = 5 // afterMarketCloses
const HOOK: readonly (LifecycleHook | undefined)[] = [undefined, 'beforeMarketOpens', 'beforeStartingTrading', 'onTradingIteration', 'beforeMarketCloses', 'afterMarketCloses']

/**
 * The session rules, written once for backtests and live runs. Event by event, it knows only the
 * bars it holds, so the same code runs over stored bars (a backtest: `run(Infinity)`, synchronous,
 * no await per bar) and over bars as they arrive (live: `run(now)` after each one).
 *
 * - Bars: every bar is shown to the broker at its close, however sparse the events: clock to the
 *   bar's open, the broker matches it, the strategy may see it, the account is marked, clock to
 *   its close, then its order events are delivered. An event at time T runs after every bar
 *   closing by T, with the clock at T, after day orders due by T expired.
 * - Iterations (intraday): at max(last iteration + sleeptime, close of the first bar the last
 *   iteration had not seen). So every iteration sees a new bar, times strictly increase, and a
 *   sleeptime of 0, negative or NaN cannot stall a run: simulated time always advances. Before
 *   a bar has arrived its close is unknown and no iteration is due.
 * - Exchange calendars (intraday), per session [open, close): `beforeMarketOpens` and
 *   `beforeStartingTrading` at the open; iterations while ≤ close; `beforeMarketCloses` once at
 *   close − timeframe (after an iteration due at that same time); `afterMarketCloses` at the close.
 *   Sessions without bars still run their hooks. 24/7 markets: iterations only.
 * - Daily: each bar is a trading day: (calendar) open hooks at its open, the iteration at its close
 *   (fewer if the sleeptime is longer than a day, with half a bar of slack for DST), then
 *   (calendar) `beforeMarketCloses` and `afterMarketCloses`.
 * - `end`: when the data ends there (a backtest; a replay that finished), no iteration after it and
 *   no session opening at or after it.
 *
 * Order events are delivered through `HookInvoker.settle()` after each bar and hook. When a live
 * gate holds a fill back (to record it first), `run` returns false at once; calling it again
 * resumes exactly there.
 */
export class SessionKernel {
  iterations = 0
  lastIterationTime = NaN
  /** The first bar the broker has not processed. */
  next = 0
  /** No iteration after this, no session opening at or after it. */
  end = Infinity
  /** The paper broker; a resumed live bot swaps in its restored one. */
  broker: SimulatedBroker
  private readonly clock: KernelClock
  private readonly view: MarketView
  private readonly api: StrategyApi
  private readonly invoker: HookInvoker
  private readonly calendar: MarketCalendar
  private readonly observer: KernelObserver | undefined
  private readonly daily: boolean
  private readonly hooks: boolean
  private readonly sessionsFromNow: boolean
  // The planned event (fields, not a returned object: nothing allocated per bar).
  private evKind = NONE
  private evTime = Infinity
  /** The first bar the strategy had not seen at the last iteration (or session open). */
  private mark = 0
  /** Last iteration + sleeptime; -Infinity: at the next bar. */
  private wake = -Infinity
  /** An iteration ran; its wake is set once its events are delivered (callbacks may change the sleeptime). */
  private iterated = false
  // Intraday on a calendar: the session in progress or next, and how far its hooks went.
  private session: Session | undefined
  private phase = 0
  /** Close of the last finished session; NaN before the first. */
  private anchor = NaN
  // Daily: the day (bar) in progress and how far its events went.
  private day = 0
  private dayPhase = 0

  constructor(p: SessionKernelParts) {
    this.clock = p.clock
    this.view = p.view
    this.broker = p.broker
    this.api = p.api
    this.invoker = p.invoker
    this.calendar = p.calendar
    this.observer = p.observer
    this.daily = p.mode === 'daily'
    this.hooks = !p.calendar.alwaysOpen
    this.sessionsFromNow = p.sessionsFromNow ?? false
  }

  /**
   * Runs every event due at or before `t`, and every bar closing by then, in time order. True when
   * done; false when a gate held a fill back (call again to go on).
   */
  run(t: number): boolean {
    const invoker = this.invoker
    for (;;) {
      if (invoker.hasEvents && !invoker.settle()) return false
      if (this.iterated) this.endIteration()
      if (!this.daily && !this.iterateOnly(t)) return false
      this.plan()
      const et = this.evTime
      if (!this.processBars(et < t ? et : t)) return false
      if (et > t || this.evKind === NONE) return true
      this.clock.advanceTo(et)
      const broker = this.broker
      if (broker.book.hasDayOrders) {
        broker.expireDue(et)
        if (invoker.hasEvents) continue
      }
      this.fire(et)
      if (!invoker.settle()) return false
      if (this.iterated) this.endIteration()
    }
  }

  /** One lifecycle hook now (`initialize`, `onStop`…), then its order events. False: held by the gate. */
  hook(name: LifecycleHook): boolean {
    this.broker.sessionFirstBar = 0
    this.invoker.run(name)
    return this.deliver()
  }

  /** Delivers what a gate held back. True once nothing is left. */
  deliver(): boolean {
    if (!this.invoker.settle()) return false
    if (this.iterated) this.endIteration()
    return true
  }

  /**
   * The data ended with the last bar held: run what is still due (the hooks of the session in
   * progress, no new session, no iteration after the last close), then every bar, the clock to the
   * last close, and day orders due by then expire.
   */
  finish(): boolean {
    const n = this.view.length
    if (n === 0) return true
    const last = this.view.closeOf(n - 1)
    this.end = last
    if (!this.run(Infinity)) return false
    this.clock.advanceTo(last)
    this.broker.expireDue(last)
    return this.deliver()
  }

  /** When the next event is due if no bar arrives first (Infinity: only a bar can bring one). */
  nextEventTime(): number {
    this.plan()
    return this.evTime
  }

  save(): KernelScheduleState {
    const x = this.session
    const json = (v: number): number | null => (Number.isFinite(v) ? v : null)
    return {
      mode: this.daily ? 'daily' : 'intraday',
      session: x && !this.daily ? {open: x.open, close: x.close, opened: this.phase >= 2, preClosed: this.phase >= 3} : null,
      anchor: json(this.anchor),
      wake: json(this.wake),
    }
  }

  /** Continues from a saved position; the bars already held count as seen and run. */
  restore(state: KernelScheduleState): void {
    const x = state.session
    this.session = x ? {open: x.open, close: x.close} : undefined
    this.phase = x ? (x.preClosed ? 3 : x.opened ? 2 : 0) : 0
    this.anchor = state.anchor ?? NaN
    this.wake = state.wake ?? -Infinity
    this.mark = this.next
    this.day = this.view.length
    this.dayPhase = 0
  }

  /** Shows each held bar closing by `limit` to the broker and the strategy. False: held by the gate. */
  private processBars(limit: number): boolean {
    const view = this.view
    const n = view.length
    const time = view.time
    const clock = this.clock
    const invoker = this.invoker
    const observer = this.observer
    while (this.next < n) {
      const i = this.next
      const close = view.closeOf(i)
      if (close > limit) break
      const broker = this.broker
      clock.advanceTo(time[i])
      if (broker.hasBarWork) broker.processBar(i)
      view.cursor = i
      broker.markBar(i)
      clock.advanceTo(close)
      this.next = i + 1
      if (observer !== undefined) observer.bar(i, close)
      if (invoker.hasEvents && !invoker.settle()) return false
    }
    return true
  }

  /**
   * The common stretch of an intraday run, without the general planner: while the next event is
   * an iteration (a 24/7 market; on a calendar, inside a started session before its pre-close,
   * or after it before the close), run bars and iterations straight on, with the very effects,
   * in the very order, `run` gives an ITERATE event (see `plan` and `fire`). Returns true when
   * something else is next (the general loop takes over), false when a gate held a fill back.
   * The same guard keeps time moving: each iteration is after the close of a bar the previous
   * one had not seen, so the loop ends after at most one pass per bar.
   */
  private iterateOnly(t: number): boolean {
    const view = this.view
    // The last time an iteration may be at: no iteration after the data's end, none after `t`.
    let limit = this.end < t ? this.end : t
    if (this.hooks) {
      const s = this.session
      if (s === undefined || this.phase < 2) return true
      // Started: iterations due by the pre-close come first (phase 2), then those by the close.
      const bound = this.phase === 2 ? Math.max(s.open, s.close - view.timeframeMs) : s.close
      if (bound < limit) limit = bound
    }
    // A live run reports each bar, and its closes come from the feed: the general bar loop.
    if (this.observer !== undefined || !view.cappedCloses) return this.iterateOnlyGeneral(limit)
    const invoker = this.invoker
    const clock = this.clock
    // Read once: bars arrive (a live feed) between calls to `run`, never during one.
    const time = view.time
    const n = view.length
    const tf = view.timeframeMs
    for (;;) {
      const mark = this.mark
      if (mark >= n) return true
      // closeOf(mark), spelled out here as below: this loop runs once per bar.
      let bar = time[mark] + tf
      if (mark + 1 < n && time[mark + 1] < bar) bar = time[mark + 1]
      const wake = this.wake
      const due = wake > bar ? wake : bar
      if (!(due <= limit) || due === Infinity) return true
      // Every bar closing by `due` (at least bar `mark`: the previous iteration saw up to it).
      const broker = this.broker
      for (let i = this.next; i < n; ) {
        const open = time[i]
        let close = open + tf
        if (i + 1 < n && time[i + 1] < close) close = time[i + 1]
        if (close > due) break
        clock.advanceTo(open)
        if (broker.hasBarWork) broker.processBar(i)
        view.cursor = i
        broker.markBar(i)
        clock.advanceTo(close)
        this.next = ++i
        if (invoker.hasEvents && !invoker.settle()) return false
      }
      clock.advanceTo(due)
      if (broker.book.hasDayOrders) {
        broker.expireDue(due)
        if (invoker.hasEvents) return true
      }
      this.fireIteration(due)
      if (!invoker.settle()) return false
      this.endIteration()
    }
  }

  /**
   * `iterateOnly`'s loop for a live run: bars through `processBars`, closes from the view. The tail of
   * each iteration is spelled out in both loops on purpose: calling processBars from the fast loop
   * measured ~10 % slower (9.5M against 8.5M bars/s), and the tail as a method of its own, returning
   * how the iteration ended, ~6 % slower (10.0–10.2M against 9.1–9.9M, builds run alternately).
   */
  private iterateOnlyGeneral(limit: number): boolean {
    const view = this.view
    const invoker = this.invoker
    for (;;) {
      const mark = this.mark
      if (mark >= view.length) return true
      const bar = view.closeOf(mark)
      const due = this.wake > bar ? this.wake : bar
      if (!(due <= limit) || due === Infinity) return true
      if (!this.processBars(due)) return false
      this.clock.advanceTo(due)
      const broker = this.broker
      if (broker.book.hasDayOrders) {
        broker.expireDue(due)
        if (invoker.hasEvents) return true
      }
      this.fireIteration(due)
      if (!invoker.settle()) return false
      this.endIteration()
    }
  }

  /** An iteration at `t` (the clock is there): what `fire` does for ITERATE. */
  private fireIteration(t: number): void {
    this.mark = this.next
    this.iterations++
    this.lastIterationTime = t
    this.iterated = true
    this.invoker.iterate()
  }

  /** Sets `evKind`/`evTime` to the next event of the schedule (NONE at Infinity: wait for bars). */
  private plan(): void {
    if (this.daily) return this.planDay()
    const view = this.view
    let due = Infinity
    if (this.mark < view.length) {
      const bar = view.closeOf(this.mark)
      due = this.wake > bar ? this.wake : bar
    }
    // Infinity: no bar left to see (the end of a live feed may still be Infinity too).
    const canIterate = due <= this.end && due !== Infinity
    if (!this.hooks) return this.set(canIterate ? ITERATE : NONE, canIterate ? due : Infinity)
    const s = this.currentSession()
    if (s === undefined) return this.set(NONE, Infinity)
    const phase = this.phase
    if (phase === 0) return s.open >= this.end ? this.set(NONE, Infinity) : this.set(OPEN, s.open)
    if (phase === 1) return this.set(START, s.open)
    const preClose = Math.max(s.open, s.close - view.timeframeMs)
    if (canIterate && due <= s.close) return phase === 2 && preClose < due ? this.set(PRE_CLOSE, preClose) : this.set(ITERATE, due)
    return phase === 2 ? this.set(PRE_CLOSE, preClose) : this.set(CLOSE, s.close)
  }

  private planDay(): void {
    const view = this.view
    for (;;) {
      const i = this.day
      if (i >= view.length) return this.set(NONE, Infinity)
      switch (this.dayPhase) {
        case 0:
          if (this.hooks) return this.set(OPEN, view.time[i])
          this.dayPhase = 2
          continue
        case 1:
          return this.set(START, view.time[i])
        case 2: {
          // Bars stamped at local midnight are 23 or 25 hours apart across DST: half a bar of slack
          // keeps a 1-day sleeptime from skipping the short day.
          const close = view.closeOf(i)
          if (close + view.timeframeMs / 2 >= this.wake) return this.set(ITERATE, close)
          this.dayPhase = 3
          continue
        }
        case 3:
          if (this.hooks) return this.set(PRE_CLOSE, view.closeOf(i))
          this.day++
          this.dayPhase = 0
          continue
        default:
          return this.set(CLOSE, view.closeOf(i))
      }
    }
  }

  private set(kind: number, time: number): void {
    this.evKind = kind
    this.evTime = time
  }

  /** Runs the planned event at `t` (the clock is there) and moves the schedule past it. */
  private fire(t: number): void {
    const kind = this.evKind
    if (kind === OPEN) this.broker.sessionFirstBar = this.next
    if (kind === ITERATE) {
      this.fireIteration(t)
    } else {
      this.invoker.run(HOOK[kind]!)
    }
    if (this.daily) {
      if (kind === CLOSE) {
        this.day++
        this.dayPhase = 0
      } else {
        this.dayPhase = kind === OPEN ? 1 : kind === START ? 2 : kind === ITERATE ? 3 : 4
      }
      return
    }
    if (kind === OPEN) this.phase = 1
    else if (kind === START) {
      this.phase = 2
      this.wake = -Infinity
      this.mark = this.next
    } else if (kind === PRE_CLOSE) this.phase = 3
    else if (kind === CLOSE) {
      this.anchor = this.session!.close
      this.session = undefined
      this.phase = 0
    }
  }

  /** After an iteration's events were delivered: the next one waits at least the sleeptime asked for now. */
  private endIteration(): void {
    this.iterated = false
    const s = this.api.sleeptimeMs
    this.wake = this.lastIterationTime + (s > 0 ? s : 0)
    if (this.observer !== undefined) this.observer.iteration()
  }

  /**
   * The session in progress or next: after the last one's close, else from the first bar, else
   * (a wall clock) from now. A feed clock has no time before its first bar: then none yet.
   */
  private currentSession(): Session | undefined {
    if (this.session !== undefined) return this.session
    const from = this.anchor === this.anchor ? this.anchor : this.view.length > 0 ? this.view.time[0] : this.sessionsFromNow ? this.clock.now() : NaN
    if (from !== from) return undefined
    this.session = this.calendar.nextSession(from)
    return this.session
  }
}
