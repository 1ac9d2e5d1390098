import {BotsError, isBotsError} from '../core/errors.js'
import type {Clock} from '../core/clock.js'
import type {BrokerListener, PriceSource} from '../broker/broker-port.js'
import type {Fill, Order} from '../model/orders.js'
import type {StrategyContext, StrategyHooks} from '../model/strategy.js'
import {formatUtc} from './format-time.js'

export type LifecycleHook =
  | 'initialize'
  | 'beforeMarketOpens'
  | 'beforeStartingTrading'
  | 'onTradingIteration'
  | 'beforeMarketCloses'
  | 'afterMarketCloses'
  | 'onAbruptClosing'
  | 'onStop'

/** Order events settled at one point in time before we call it a runaway strategy. */
const MAX_EVENTS_PER_SETTLE = 100_000

/**
 * Calls strategy hooks for any runner. Every call is guarded: a hook that throws runs
 * `onBotCrash` once and stops the run with a BotsError naming the strategy, the hook, the clock
 * and the current bar. Broker events (fills, cancels) are queued and delivered by `settle()` after
 * the hook or bar that caused them (the session kernel calls it), never re-entrantly inside
 * another hook.
 */
export class HookInvoker implements BrokerListener {
  // Two parallel queues rather than an event object per fill: nothing allocated per event. Their
  // slots are reused (`count` of them are queued): emptying an array by setting its length is a
  // runtime call, and it drops the backing store that the next event would allocate again.
  private readonly events: Order[] = []
  private readonly eventFills: (Fill | undefined)[] = []
  private count = 0
  /** The next queued event to deliver (kept across a `settle()` the gate held up). */
  private head = 0
  private crashed = false
  /**
   * Live runs only: whether `fill` may reach the strategy now. The live runtime records a fill
   * first (an awaited write), then admits it; backtests have no gate.
   */
  gate: ((order: Order, fill: Fill) => boolean) | undefined

  constructor(
    private readonly hooks: StrategyHooks,
    private readonly ctx: StrategyContext,
    private readonly strategy: string,
    private readonly clock: Clock,
    /** Where the strategy is in the bars (for crash messages). */
    private readonly market: PriceSource,
    /** Its `afterHook()` runs after every hook, before events are delivered (close fills). */
    private readonly broker: {afterHook(): void},
  ) {}

  /** Runs hook `name`, guarded. Its order events wait in the queue for `settle()`. */
  run(name: LifecycleHook): void {
    const fn = this.hooks[name]
    if (fn === undefined) return
    try {
      fn.call(this.hooks, this.ctx)
    } catch (error) {
      this.crash(name, error)
    }
  }

  /** `run('onTradingIteration')`, kept apart as the one hook that runs every bar. */
  iterate(): void {
    // Read on every call: a strategy may set its own after `initialize` (the rules strategy
    // installs the loop its plan needs, see rules-hooks.ts).
    const fn = this.hooks.onTradingIteration
    if (fn === undefined) return
    try {
      fn.call(this.hooks, this.ctx)
    } catch (error) {
      this.crash('onTradingIteration', error)
    }
  }

  get hasEvents(): boolean {
    return this.count > 0
  }

  filled(order: Order, fill: Fill): void {
    this.queue(order, fill)
  }

  canceled(order: Order): void {
    this.queue(order, undefined)
  }

  private queue(order: Order, fill: Fill | undefined): void {
    const n = this.count
    if (n < this.events.length) {
      this.events[n] = order
      this.eventFills[n] = fill
    } else {
      this.events.push(order)
      this.eventFills.push(fill)
    }
    this.count = n + 1
  }

  /**
   * Delivers the queued order events (and whatever those callbacks cause) in order, until none
   * are left: true. The one delivery path for backtests and live runs. With a `gate` (live), a
   * fill is handed to the strategy only once the gate admits it; a gate that says "not yet" makes
   * this return false with the queue kept, and the next call resumes at that very fill.
   */
  settle(): boolean {
    this.broker.afterHook()
    const gate = this.gate
    for (; this.head < this.count; this.head++) {
      const head = this.head
      const fill = this.eventFills[head]
      if (fill !== undefined && gate !== undefined && !gate(this.events[head], fill)) return false
      this.deliver(head)
    }
    this.clearEvents()
    return true
  }

  /** A callback that places or cancels an order every time it runs would otherwise never end. */
  private guardRunaway(head: number): void {
    if (head === MAX_EVENTS_PER_SETTLE) {
      this.crash('onFilledOrder', new Error(`more than ${MAX_EVENTS_PER_SETTLE} order events at one moment; does a callback place or cancel an order every time it runs?`))
    }
  }

  /** Hands queued event `head` to the strategy's fill or cancel hook, then lets the broker react. */
  private deliver(head: number): void {
    this.guardRunaway(head)
    const order = this.events[head]
    const fill = this.eventFills[head]
    try {
      if (fill) this.hooks.onFilledOrder?.(this.ctx, order, fill)
      else this.hooks.onCanceledOrder?.(this.ctx, order)
    } catch (error) {
      this.crash(fill ? 'onFilledOrder' : 'onCanceledOrder', error)
    }
    this.broker.afterHook()
  }

  private clearEvents(): void {
    this.count = 0
    this.head = 0
  }

  /**
   * A failure outside the strategy's hooks (a live feed or the service's event handler) ends the
   * run the same way: `onBotCrash` once, then a BotsError naming where it happened.
   */
  fail(where: string, error: unknown): never {
    return this.crash(where, error)
  }

  private crash(hook: string, error: unknown): never {
    if (this.crashed) throw error
    this.crashed = true
    this.events.length = 0
    this.eventFills.length = 0
    this.count = 0
    this.head = 0
    try {
      this.hooks.onBotCrash?.(this.ctx, error)
    } catch {
      // The crash being reported matters more than a failure while handling it.
    }
    const message = error instanceof Error ? error.message : String(error)
    const m = this.market
    const bar = m.cursor >= 0 ? m.series[0].time[m.cursor] : NaN
    const now = this.clock.now()
    // Before a live feed's first bar its clock is at -Infinity: no time to name.
    const where = Number.isFinite(now) ? `at ${formatUtc(now)}${bar === bar ? ` (current bar opened ${formatUtc(bar)})` : ' (before the first bar)'}` : 'before the first bar'
    const crash = new BotsError(`strategy "${this.strategy}" crashed in ${hook} ${where}: ${message}`, {
      code: 'strategy.crash',
      hint: (isBotsError(error) && error.hint) || 'fix the strategy; the run stopped at the first error (onBotCrash was called)',
    })
    ;(crash as Error & {cause?: unknown}).cause = error
    throw crash
  }
}
