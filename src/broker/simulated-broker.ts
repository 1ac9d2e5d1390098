import type {Clock} from '../core/clock.js'
import type {MarketCalendar} from '../calendar/calendar.js'
import type {BrokerSpec} from '../spec/bot-spec.js'
import type {Fill, Order, OrderRequest} from '../strategy/context.js'
import type {BrokerListener, BrokerPort, PriceSource} from './broker-port.js'
import {CostModel} from './costs.js'
import {fillPrice} from './fill-rules.js'
import {OrderBook} from './order-book.js'
import {Portfolio} from './portfolio.js'
import {SimOrder, requestProblem} from './sim-order.js'
import {TradeLedger} from './trade-ledger.js'

const SILENT: BrokerListener = {filled() {}, canceled() {}}

export interface SimulatedBrokerOptions {
  broker: BrokerSpec
  market: PriceSource
  clock: Clock
  calendar: MarketCalendar
  /** One slot per bar of the run: the account value after each bar. */
  equity: Float64Array
}

/**
 * Orders → fills on bars. The runner shows it every bar (`processBar`, then `markBar`), whether or
 * not the strategy iterates on it. Rules:
 * - An order never fills on the bar that was current when it was placed (`signalBar`) nor on a bar
 *   that opened before it was placed; see fill-rules.ts for the price on an eligible bar.
 * - fillPrice `close`: a market order placed in a hook fills right after that hook, at the close of
 *   the latest bar the strategy has seen (cheat-on-close), or at the next open if there is none.
 * - Checked at fill time, else rejected with a reason: a buy that leaves a long position needs
 *   cash ≥ price × qty + commission; a sell that leaves a short position needs `allowShort`.
 * - Day orders expire at the close of the first session that closes after they were placed.
 * - A bar with NaN prices for a symbol (no bar for it at that time) fills nothing for it.
 */
export class SimulatedBroker implements BrokerPort {
  listener: BrokerListener = SILENT
  readonly costs: CostModel
  readonly portfolio: Portfolio
  readonly ledger: TradeLedger
  readonly book = new OrderBook()
  readonly fills: Fill[] = []
  private readonly closeQueue: SimOrder[] = []
  private readonly fillAtClose: boolean
  private nextId = 1
  private flushing = false

  constructor(private readonly o: SimulatedBrokerOptions) {
    this.costs = new CostModel(o.broker)
    this.portfolio = new Portfolio(o.broker.cash, o.market.symbols.length)
    this.ledger = new TradeLedger(o.market.symbols.length)
    this.fillAtClose = o.broker.fillPrice === 'close'
  }

  get cash(): number {
    return this.portfolio.cash
  }
  portfolioValue(): number {
    return this.portfolio.value()
  }
  position(k: number): number {
    return this.portfolio.quantity[k]
  }
  averagePrice(k: number): number {
    return this.portfolio.averagePrice[k]
  }
  openOrders(k: number): readonly Order[] {
    return this.book.open(k)
  }

  submit(req: OrderRequest, k: number): Order {
    const now = this.o.clock.now()
    const tif = req.timeInForce ?? 'gtc'
    const expiresAt = tif === 'day' ? (this.o.calendar.nextSession(now)?.close ?? Infinity) : Infinity
    const signalBar = this.o.market.cursor
    const order = new SimOrder(this.nextId++, this.o.market.symbols[k], k, req.side, req.quantity, req.type ?? 'market',
      req.limitPrice, req.stopPrice, tif, req.tag, now, signalBar, expiresAt)
    const problem = requestProblem(req)
    if (problem !== undefined) {
      order.status = 'rejected'
      order.reason = problem
    }
    this.book.add(order)
    if (order.status === 'open' && this.fillAtClose && order.type === 'market' && !this.flushing) this.closeQueue.push(order)
    return order
  }

  /** The id the next order gets. */
  get nextOrderId(): number {
    return this.nextId
  }

  /**
   * A live bot resuming: its working orders go back in the book (in submission order) and ids
   * continue after the last one given, so no id is ever used twice for one bot.
   */
  resumeOrders(orders: readonly SimOrder[], nextOrderId: number): void {
    for (const order of orders) this.book.add(order)
    this.nextId = Math.max(this.nextId, nextOrderId)
  }

  cancel(orderId: number): boolean {
    const order = this.book.find(orderId)
    if (order === undefined) return false
    this.finish(order, 'canceled', 'canceled by the strategy')
    return true
  }

  /** Matches the working orders against bar `i` (all symbols). */
  processBar(i: number): void {
    if (this.book.isEmpty) return
    const series = this.o.market.series
    const barTime = series[0].time[i]
    const pending = this.book.pending
    const n = pending.length
    for (let j = 0; j < n; j++) {
      const order = pending[j]
      if (order.status !== 'open') continue
      if (order.expiresAt <= barTime) {
        this.finish(order, 'canceled', 'day order expired at the session close')
        continue
      }
      if (i <= order.signalBar || barTime < order.createdAt) continue
      const bars = series[order.symbolIndex]
      const open = bars.open[i]
      if (open !== open) continue
      const price = fillPrice(order, open, bars.high[i], bars.low[i])
      if (price === price) this.execute(order, price, barTime)
    }
    this.book.compact()
  }

  /** Records the account value after bar `i`, marking each position at its last known close. */
  markBar(i: number): void {
    const series = this.o.market.series
    const last = this.portfolio.lastPrice
    for (let k = 0; k < series.length; k++) {
      const c = series[k].close[i]
      if (c === c) last[k] = c
    }
    // A live feed may run past the slots it was given; the paper broker then just stops recording.
    if (i < this.o.equity.length) this.o.equity[i] = this.portfolio.value()
  }

  /** Called by the runner after every hook: fills `close`-mode market orders of that hook. */
  afterHook(): void {
    if (this.flushing || this.closeQueue.length === 0) return
    const queue = this.closeQueue.splice(0)
    const cursor = this.o.market.cursor
    const now = this.o.clock.now()
    this.flushing = true
    try {
      for (const order of queue) {
        if (order.status !== 'open' || cursor < 0) continue
        const close = this.o.market.series[order.symbolIndex].close[cursor]
        if (close === close) this.execute(order, close, now)
      }
    } finally {
      this.flushing = false
    }
    this.book.compact()
    if (cursor >= 0) this.markBar(cursor)
  }

  /** Cancels the day orders whose session has closed by `t`. */
  expireDue(t: number): void {
    if (!this.book.hasDayOrders) return
    for (const order of this.book.pending) {
      if (order.status === 'open' && order.expiresAt <= t) this.finish(order, 'canceled', 'day order expired at the session close')
    }
    this.book.compact()
  }

  private execute(order: SimOrder, rawPrice: number, time: number): void {
    const price = order.type === 'market' || order.type === 'stop' ? this.costs.slip(order.side, rawPrice) : rawPrice
    const q = order.quantity
    const commission = this.costs.commission(q, price)
    const k = order.symbolIndex
    const before = this.portfolio.quantity[k]
    const signed = order.side === 'buy' ? q : -q
    const after = before + signed
    if (signed > 0 && after > 0 && this.portfolio.cash - price * q - commission < 0) {
      const need = price * q + commission
      return this.finish(order, 'rejected', `insufficient cash: needs ${need.toFixed(2)} (${q} × ${price} + commission ${commission.toFixed(2)}), has ${this.portfolio.cash.toFixed(2)}`)
    }
    if (signed < 0 && after < 0 && !this.o.broker.allowShort) {
      return this.finish(order, 'rejected', `short selling is not allowed (broker.allow_short: false); position ${before}, sell ${q}`)
    }
    const realized = this.portfolio.apply(k, signed, price, commission)
    const fill: Fill = {orderId: order.id, symbol: order.symbol, side: order.side, quantity: q, price, commission, time}
    this.ledger.record(k, fill, before, realized)
    this.fills.push(fill)
    order.status = 'filled'
    order.filledAt = time
    order.fillPrice = price
    order.commission = commission
    this.listener.filled(order, fill)
  }

  private finish(order: SimOrder, status: 'canceled' | 'rejected', reason: string): void {
    order.status = status
    order.reason = reason
    this.listener.canceled(order)
  }
}
