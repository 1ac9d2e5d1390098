import type {SimulatedBroker} from '../broker/simulated-broker.js'
import {isVenueBroker, type VenueBroker} from '../broker/venue-broker.js'
import type {HookInvoker, LifecycleHook} from '../engine/hook-invoker.js'
import {SessionKernel, type KernelObserver} from '../engine/session-kernel.js'
import type {StrategyApi} from '../engine/strategy-api.js'
import type {MarketCalendar} from '../calendar/calendar.js'
import type {Fill, Order} from '../model/orders.js'
import type {BrokerSwitch} from './broker-switch.js'
import type {LiveMarketView} from './live-view.js'
import type {BotState, LiveBotEvents, LiveClock} from './runtime-types.js'

/** A fill held back by the gate until the service has recorded it. */
interface HeldFill {
  order: Order
  fill: Fill
  state: BotState
  recorded: boolean
}

export interface LiveSessionParts {
  clock: LiveClock
  view: LiveMarketView
  /** The paper broker (SimulatedBroker: the backtest's one order path), swapped once after a warm-up. */
  brokers: BrokerSwitch
  api: StrategyApi
  invoker: HookInvoker
  calendar: MarketCalendar
  mode: 'daily' | 'intraday'
  events: LiveBotEvents
  /** The state now, for `onFill` (built by the bot, which knows the rest). */
  snapshot: () => BotState
}

/**
 * The session kernel (the backtest's session rules, the same code) driven by a live bot, and the
 * one thing live adds: a fill is recorded before the strategy hears of it. The kernel runs
 * synchronously until the invoker's gate holds a fill back; this wrapper then awaits the
 * service's `onFill` (its write to disk) and lets the kernel go on from that very fill. Bars,
 * orders and iterations are reported as they happen. While `quiet` (a restored bot warming up on
 * history) nothing is reported and nothing is held: those bars and fills were reported before.
 */
export class LiveSession implements KernelObserver {
  readonly kernel: SessionKernel
  readonly clock: LiveClock
  readonly view: LiveMarketView
  readonly api: StrategyApi
  readonly invoker: HookInvoker
  fillCount = 0
  quiet = false
  /** Open time of the last bar processed per symbol (NaN: none yet); survives restarts via BotState. */
  readonly lastBarTime: Float64Array
  firstBarTime = NaN
  /** A fresh bot's warm-up ended after the bar that opened at this time (BotState.warmEnd); NaN: none. */
  warmEnd = NaN
  private held: HeldFill | undefined
  private readonly brokers: BrokerSwitch
  private readonly events: LiveBotEvents
  private readonly snapshot: () => BotState

  constructor(p: LiveSessionParts) {
    this.clock = p.clock
    this.view = p.view
    this.api = p.api
    this.invoker = p.invoker
    this.brokers = p.brokers
    this.events = p.events
    this.snapshot = p.snapshot
    this.lastBarTime = new Float64Array(p.view.symbols.length).fill(NaN)
    this.kernel = new SessionKernel({
      clock: p.clock, view: p.view, broker: p.brokers.current, api: p.api, invoker: p.invoker, calendar: p.calendar,
      mode: p.mode, sessionsFromNow: p.clock.kind === 'wall', observer: this,
    })
    p.invoker.gate = this.gate
    p.brokers.current.book.trackNew()
  }

  get broker(): SimulatedBroker {
    return this.brokers.current
  }

  /** Runs every event due by `t` and every received bar closing by then. */
  advance(t: number): Promise<void> {
    return this.drive(() => this.kernel.run(t))
  }

  /** The feed ended: what the backtest still does at the end of the data, and nothing after. */
  finish(): Promise<void> {
    return this.drive(() => this.kernel.finish())
  }

  hook(name: LifecycleHook): Promise<void> {
    let first = true
    return this.drive(() => (first ? ((first = false), this.kernel.hook(name)) : this.kernel.deliver()))
  }

  /**
   * Ends what a fresh bot's warm-up left working on its scratch broker (those orders never reach
   * the venue), the strategy told through `onCanceledOrder`: an order it holds must not look
   * working forever (the rules trader waited on such an entry and never traded). A resume replays
   * it at the same bar (BotState.warmEnd).
   */
  endScratchOrders(): void {
    const scratch = this.brokers.current
    // A callback may place orders in turn (stops for a part filled): a few rounds end those too.
    for (let round = 0; round < 3; round++) {
      const open = scratch.openOrders(-1)
      if (open.length === 0) break
      for (const order of open) scratch.cancel(order.id)
      this.invoker.settle()
    }
  }

  /** After a warm-up: the restored broker takes over; orders it already holds are not new. */
  swapBroker(broker: SimulatedBroker): void {
    this.brokers.current = broker
    this.kernel.broker = broker
    broker.book.trackNew()
    broker.book.takeNew()
  }

  /** KernelObserver: a bar the bot acted on. */
  bar(i: number, close: number): void {
    const view = this.view
    const t = view.time[i]
    if (this.firstBarTime !== this.firstBarTime) this.firstBarTime = t
    for (let k = 0; k < view.series.length; k++) {
      const b = view.series[k]
      if (b.close[i] !== b.close[i]) continue
      this.lastBarTime[k] = t
      if (this.quiet || this.events.onBar === undefined) continue
      this.reportOrders() // orders placed before this bar come first
      void this.events.onBar({symbol: view.symbols[k], time: t, closeTime: close, open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i]})
    }
  }

  /** Reports every bar the view holds (after a quiet warm-up whose bars count as seen). */
  reportBars(): void {
    const view = this.view
    for (let i = 0; i < view.length; i++) {
      const close = view.closeOf(i)
      view.series.forEach((b, k) => {
        if (b.close[i] === b.close[i]) this.events.onBar?.({symbol: view.symbols[k], time: view.time[i], closeTime: close, open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i]})
      })
    }
  }

  /** KernelObserver: an iteration and its order events are done. */
  iteration(): void {
    if (this.quiet) return
    this.reportOrders()
    const b = this.broker
    this.events.onIteration?.({time: this.kernel.lastIterationTime, iterations: this.kernel.iterations, portfolioValue: b.portfolioValue(), cash: b.cash})
  }

  /** The exchange broker, when orders go to an exchange (not while warming up on a scratch broker). */
  get exchange(): (SimulatedBroker & VenueBroker) | undefined {
    const b = this.brokers.current
    return isVenueBroker(b) ? b : undefined
  }

  /** The exchange's news (fills, cancels of working orders) applied and delivered like any fill. */
  async pollExchange(): Promise<void> {
    const x = this.exchange
    if (x === undefined) return
    await x.poll()
    x.applyPending()
    await this.drive(() => this.kernel.deliver())
  }

  /**
   * Steps the kernel until it is done, recording each fill it holds back before letting it on.
   * With an exchange broker, the orders decided meanwhile are then sent (each recorded first);
   * what the exchange answers (fills of market orders, refusals) is delivered in turn, and orders
   * decided in those callbacks are sent too, until nothing is left.
   */
  private async drive(step: () => boolean): Promise<void> {
    let next = step
    for (;;) {
      while (!next()) {
        const held = this.held
        if (held === undefined || held.recorded) throw new Error('bug: the kernel stopped without a fill to record')
        await this.events.onFill?.(held.fill, held.order, held.state)
        held.recorded = true
      }
      this.reportOrders()
      const x = this.exchange
      if (x === undefined || this.quiet || !x.hasWork) return
      await x.flush()
      next = () => this.kernel.deliver()
    }
  }

  /** The exchange broker's `recordIntent`: the order is reported, then on disk before it is sent. */
  async recordIntent(order: Order): Promise<void> {
    this.reportOrders()
    await this.events.onOrderIntent?.(order)
  }

  /** The invoker's gate: a fill reaches the strategy once recorded. */
  private readonly gate = (order: Order, fill: Fill): boolean => {
    const held = this.held
    if (held !== undefined && held.fill === fill) {
      if (!held.recorded) return false
      this.held = undefined
      return true
    }
    this.fillCount++
    if (this.quiet || this.events.onFill === undefined) return true
    this.reportOrders()
    this.held = {order, fill, state: this.snapshot(), recorded: false}
    return false
  }

  private reportOrders(): void {
    for (const order of this.broker.book.takeNew()) if (!this.quiet) void this.events.onOrder?.(order)
  }
}
