import type {MarketCalendar} from '../calendar/calendar.js'
import type {SimulatedClock} from '../core/clock.js'
import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {HookInvoker} from './hook-invoker.js'
import type {MarketView} from './market-view.js'
import {SessionManager} from './session-manager.js'
import type {StrategyApi} from './strategy-api.js'

export interface SimulatedSessionParts {
  clock: SimulatedClock
  view: MarketView
  broker: SimulatedBroker
  api: StrategyApi
  invoker: HookInvoker
  calendar: MarketCalendar
  onProgress?: (barsDone: number, barsTotal: number) => void
}

/**
 * What the Backtest and Daily runners share: simulated time over a fixed set of bars.
 *
 * Time model: an iteration at clock time T sees every bar whose close (open + timeframe, capped at
 * the next bar's open) is ≤ T. `stepTo(T)` walks the clock to T through every bar that closes on
 * the way, and shows EACH of them to the broker (fills of working orders, then the equity point),
 * however sparse the iterations are. Fill and cancel callbacks of a bar are delivered after the
 * bar, with the clock at its close.
 */
export abstract class SimulatedSession extends SessionManager {
  iterations = 0
  protected readonly clock: SimulatedClock
  protected readonly view: MarketView
  protected readonly broker: SimulatedBroker
  protected readonly api: StrategyApi
  protected readonly invoker: HookInvoker
  protected readonly calendar: MarketCalendar
  /** The first bar the broker has not processed yet. */
  protected next = 0
  /** Where `advance()` takes the clock. */
  protected target = 0
  /** The next iteration time, as `scheduleNext()` computes it. */
  protected wake = 0
  protected yieldDue = false
  private readonly onProgress?: (barsDone: number, barsTotal: number) => void
  private progressMark = Infinity
  private readonly progressStep: number

  constructor(parts: SimulatedSessionParts) {
    super()
    this.clock = parts.clock
    this.view = parts.view
    this.broker = parts.broker
    this.api = parts.api
    this.invoker = parts.invoker
    this.calendar = parts.calendar
    this.onProgress = parts.onProgress
    this.progressStep = Math.max(10_000, Math.ceil(this.view.length / 100))
    if (this.onProgress) this.progressMark = this.progressStep
  }

  protected setup(): void {
    this.invoker.call('initialize')
  }

  protected cleanup(): void {
    if (this.view.length > 0) this.stepTo(this.view.closeOf(this.view.length - 1))
    this.onProgress?.(this.view.length, this.view.length)
    this.invoker.call('onStop')
  }

  protected override advanceTimeIfNeeded(start: number): void {
    if (this.clock.now() <= start) this.clock.advanceTo(start + Math.max(1, this.view.timeframeMs))
  }

  /** Moves the clock to `t`, processing every bar that closes by then. */
  protected stepTo(t: number): void {
    this.target = t
    this.advance()
  }

  /**
   * `stepTo(this.target)`. Hot loops set the field and call this: a double passed to or returned
   * from a call that is not inlined is boxed on the heap, a double field is updated in place.
   */
  protected advance(): void {
    const t = this.target
    const view = this.view
    const time = view.time
    const n = view.length
    const broker = this.broker
    const clock = this.clock
    const invoker = this.invoker
    let i = this.next
    while (i < n) {
      const close = view.closeOf(i)
      if (close > t) break
      clock.advanceTo(time[i])
      broker.processBar(i)
      view.cursor = i
      broker.markBar(i)
      clock.advanceTo(close)
      this.next = ++i
      if (invoker.hasEvents) invoker.settle()
      if (i >= this.progressMark) this.progress(i)
    }
    clock.advanceTo(t)
    if (broker.book.hasDayOrders) {
      broker.expireDue(t)
      invoker.settle()
    }
  }

  /** One `onTradingIteration` at the current clock time. */
  protected iterate(): void {
    this.iterations++
    this.invoker.iterate()
  }

  /**
   * When the next iteration may run after one at `t`: after the strategy's sleeptime, but never
   * before the next unseen bar closes. So every iteration sees at least one new bar, time strictly
   * advances, and a sleeptime of 0, a negative one or NaN cannot stall the run. Infinity when no
   * bar is left.
   */
  protected nextIterationTime(t: number): number {
    this.target = t
    this.scheduleNext()
    return this.wake
  }

  /** `this.wake = nextIterationTime(this.target)`, without boxing (see `advance`). */
  protected scheduleNext(): void {
    const t = this.target
    if (this.next >= this.view.length) {
      this.wake = Infinity
      return
    }
    const s = this.api.sleeptimeMs
    const wake = t + (s > 0 ? s : 0)
    const bar = this.view.closeOf(this.next)
    this.wake = wake > bar ? wake : bar
  }

  /** Lets the event loop breathe (progress rendering) when a progress mark was passed. */
  protected pause(): Promise<void> {
    this.yieldDue = false
    return new Promise((resolve) => setImmediate(resolve))
  }

  private progress(i: number): void {
    this.progressMark = i + this.progressStep
    this.yieldDue = true
    this.onProgress?.(i, this.view.length)
  }
}
