import type {MarketCalendar} from '../calendar/calendar.js'
import type {SimulatedClock} from '../core/clock.js'
import {BotsError} from '../core/errors.js'
import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {HookInvoker} from './hook-invoker.js'
import type {MarketView} from './market-view.js'
import type {RunnerKind} from './pick-runner.js'
import {SessionKernel} from './session-kernel.js'
import {SessionManager} from './session-manager.js'
import type {StrategyApi} from './strategy-api.js'

export interface BacktestRunnerParts {
  /** `daily`: the Daily runner (one trading day per bar); `backtest`: intraday sessions. */
  kind: RunnerKind
  clock: SimulatedClock
  view: MarketView
  broker: SimulatedBroker
  api: StrategyApi
  invoker: HookInvoker
  calendar: MarketCalendar
  onProgress?: (barsDone: number, barsTotal: number) => void
}

/**
 * The Backtest and Daily runners: the session kernel driven over stored bars on a simulated clock.
 * `setup()` runs `initialize`; `runLoop()` runs the kernel to the end of the data in one
 * synchronous call (in slices of ~1% when progress is shown, yielding to the event loop between
 * them so a renderer can draw); `cleanup()` processes what is left and runs `onStop`. The session
 * rules themselves, shared with the Live runner, are in `SessionKernel`.
 */
export class BacktestRunner extends SessionManager {
  readonly kernel: SessionKernel
  protected readonly clock: SimulatedClock
  private readonly view: MarketView
  private readonly onProgress?: (barsDone: number, barsTotal: number) => void

  constructor(p: BacktestRunnerParts) {
    super()
    this.clock = p.clock
    this.view = p.view
    this.onProgress = p.onProgress
    this.kernel = new SessionKernel({...p, mode: p.kind === 'daily' ? 'daily' : 'intraday'})
    const n = p.view.length
    if (n > 0) {
      this.kernel.end = p.view.closeOf(n - 1)
      // Refuses (calendar.range) data reaching outside the calendar's years rather than run too few sessions.
      if (!p.calendar.alwaysOpen) p.calendar.sessions(p.view.time[0], this.kernel.end)
    }
  }

  get iterations(): number {
    return this.kernel.iterations
  }

  protected setup(): void {
    this.kernel.hook('initialize')
  }

  protected async runLoop(): Promise<void> {
    const n = this.view.length
    if (this.onProgress !== undefined) {
      const step = Math.max(10_000, Math.ceil(n / 100))
      for (let k = step; k < n; k += step) {
        this.complete(this.kernel.run(this.view.closeOf(k - 1)))
        this.onProgress(this.kernel.next, n)
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
    this.complete(this.kernel.run(Infinity))
  }

  protected cleanup(): void {
    this.complete(this.kernel.finish())
    this.onProgress?.(this.view.length, this.view.length)
    this.complete(this.kernel.hook('onStop'))
  }

  /** A backtest has no gate: the kernel always runs to the end. */
  private complete(done: boolean): void {
    if (!done) throw new BotsError('bug: a backtest kernel was held up by a gate', {code: 'engine.bug'})
  }

  /** A session that leaves the clock where it started moves it on by one bar: time always advances. */
  protected override advanceTimeIfNeeded(start: number): void {
    if (this.clock.now() <= start) this.clock.advanceTo(start + Math.max(1, this.view.timeframeMs))
  }
}
