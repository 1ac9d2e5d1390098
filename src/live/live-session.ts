import type {SimulatedBroker} from '../broker/simulated-broker.js'
import type {HookInvoker, LifecycleHook} from '../engine/hook-invoker.js'
import type {StrategyApi} from '../engine/strategy-api.js'
import type {Fill, Order} from '../model/orders.js'
import type {BrokerSwitch} from './broker-switch.js'
import type {LiveMarketView} from './live-view.js'
import type {BotState, LiveBotEvents, LiveClock} from './runtime-types.js'

/**
 * The moving parts of one live bot and the steps every schedule is made of. `stepTo(t)` is the
 * backtest's `SimulatedSession.advance`, bar for bar (clock to the bar's open, broker matches it,
 * the strategy sees it, account marked, clock to its close, order events delivered), but async:
 * the service's `onFill` is awaited before the strategy's `onFilledOrder`, and `onBar` and
 * `onOrder` report what the bot acted on. While `quiet` (a restored bot warming up on history)
 * nothing is reported: those bars and fills were reported before the restart.
 */
export class LiveSession {
  /** The first bar the broker has not processed. */
  next = 0
  iterations = 0
  lastIterationTime = NaN
  fillCount = 0
  quiet = false
  /** Open time of the last bar processed per symbol (NaN: none yet); survives restarts via BotState. */
  readonly lastBarTime: Float64Array
  firstBarTime = NaN
  private reportedOrders = 0

  constructor(
    readonly clock: LiveClock,
    readonly view: LiveMarketView,
    /** The paper broker (SimulatedBroker: the backtest's one order path), swapped once after a warm-up. */
    private readonly brokers: BrokerSwitch,
    readonly api: StrategyApi,
    readonly invoker: HookInvoker,
    private readonly events: LiveBotEvents,
    /** The state now, for `onFill` (built by the bot, which knows the rest). */
    private readonly snapshot: () => BotState,
  ) {
    this.lastBarTime = new Float64Array(view.symbols.length).fill(NaN)
  }

  get broker(): SimulatedBroker {
    return this.brokers.current
  }

  /** Moves to `t`, processing every received bar that closes by then; expires due day orders. */
  async stepTo(t: number): Promise<void> {
    await this.catchUp(t)
    this.clock.advanceTo(t)
    if (this.broker.book.hasDayOrders) {
      this.broker.expireDue(t)
      await this.settle()
    }
  }

  /**
   * Processes the received bars that close by `t`, without moving the clock past the last of
   * them: between two events of the schedule this is exactly what the backtest does, only sooner,
   * so fills are reported when their bar arrives rather than at the next iteration.
   */
  async catchUp(t: number): Promise<void> {
    const view = this.view
    while (this.next < view.length) {
      const i = this.next
      const close = view.closeOf(i)
      if (close > t) break
      this.clock.advanceTo(view.time[i])
      this.broker.processBar(i)
      view.cursor = i
      this.broker.markBar(i)
      this.clock.advanceTo(close)
      this.next = i + 1
      await this.barSeen(i, close)
      await this.settle()
    }
  }

  async hook(name: LifecycleHook): Promise<void> {
    this.invoker.run(name)
    await this.settle()
  }

  async iterate(): Promise<void> {
    this.iterations++
    this.lastIterationTime = this.clock.now()
    this.invoker.run('onTradingIteration')
    await this.settle()
    if (!this.quiet) {
      const b = this.broker
      this.events.onIteration?.({time: this.lastIterationTime, iterations: this.iterations, portfolioValue: b.portfolioValue(), cash: b.cash})
    }
  }

  /** The sleeptime the strategy asks for now; ≤ 0 or NaN means "at the next bar". */
  get sleeptimeMs(): number {
    const s = this.api.sleeptimeMs
    return s > 0 ? s : 0
  }

  /** Delivers the order events of the last hook or bar: each fill recorded (awaited) first. */
  async settle(): Promise<void> {
    await this.reportOrders()
    await this.invoker.settleGated(this.gate, this.reportOrders)
    await this.reportOrders()
  }

  /** After a warm-up: the restored broker takes over; orders it already holds are not new. */
  swapBroker(broker: SimulatedBroker): void {
    this.brokers.current = broker
    this.reportedOrders = broker.book.all.length
  }

  private readonly gate = async (order: Order, fill: Fill): Promise<void> => {
    this.fillCount++
    if (this.quiet) return
    await this.reportOrders()
    await this.events.onFill?.(fill, order, this.snapshot())
  }

  private readonly reportOrders = async (): Promise<void> => {
    const all = this.broker.book.all
    while (this.reportedOrders < all.length) {
      const order = all[this.reportedOrders++]
      if (!this.quiet) await this.events.onOrder?.(order)
    }
  }

  private async barSeen(i: number, close: number): Promise<void> {
    const view = this.view
    const t = view.time[i]
    if (this.firstBarTime !== this.firstBarTime) this.firstBarTime = t
    for (let k = 0; k < view.series.length; k++) {
      const b = view.series[k]
      if (b.close[i] !== b.close[i]) continue
      this.lastBarTime[k] = t
      if (this.quiet || this.events.onBar === undefined) continue
      await this.events.onBar({symbol: view.symbols[k], time: t, closeTime: close, open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i], volume: b.volume[i]})
    }
  }
}
