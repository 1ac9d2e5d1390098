import type {Clock} from '../core/clock.js'
import type {MarketCalendar} from '../calendar/calendar.js'
import type {BrokerSpec} from '../model/bot-spec.js'
import type {Fill, Order, OrderRequest} from '../model/orders.js'
import type {BrokerListener, BrokerPort, PriceSource} from './broker-port.js'
import {BEFORE_ALL, finite, lastIndexAtOrBefore, orNull, type BrokerSnapshot, type OrderState} from './broker-snapshot.js'
import {CostModel} from './costs.js'
import {fillPrice} from './fill-rules.js'
import {Instruments} from './instruments.js'
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
 *   cash ≥ price × multiplier × qty + commission; a sell that leaves a short position needs
 *   `allowShort`. A futures-like symbol (an instrument with a margin) needs, for a fill that opens
 *   contracts (long or short), cash ≥ 0 after it: margin of the opened contracts and commission
 *   paid, margin and settled P&L of any closed ones received (Backtrader's margin check).
 * - Instruments (`broker.instruments`, see instruments.ts): a limit or stop price rounds to the
 *   symbol's tick, a quantity down to its lot, when the order is submitted; below one lot, or a
 *   price that rounds to 0, is rejected then. Each bar's close settles futures-like positions.
 * - Day orders expire at the close of the first session that closes after they were placed.
 * - A bar with NaN prices for a symbol (no bar for it at that time) fills nothing for it.
 */
export class SimulatedBroker implements BrokerPort {
  listener: BrokerListener = SILENT
  readonly costs: CostModel
  readonly instruments: Instruments
  readonly portfolio: Portfolio
  readonly ledger: TradeLedger
  readonly book = new OrderBook()
  readonly fills: Fill[] = []
  private readonly closeQueue: SimOrder[] = []
  private readonly fillAtClose: boolean
  protected nextId = 1
  private flushing = false
  /**
   * Restored orders whose signal bar is not in the market view (it holds a different stretch of
   * bars): the saved time, so that a new snapshot gives it back unchanged. Read by `snapshot()` only.
   */
  private readonly signalTimes = new Map<SimOrder, number>()

  constructor(protected readonly o: SimulatedBrokerOptions) {
    this.costs = new CostModel(o.broker)
    this.instruments = new Instruments(o.market.symbols, o.broker.instruments)
    this.portfolio = new Portfolio(o.broker.cash, o.market.symbols.length, this.instruments)
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
    const ins = this.instruments
    const steps = ins.anySteps && k >= 0 && k < ins.lot.length
    const quantity = steps ? ins.roundQuantity(k, req.quantity) : req.quantity
    const limitPrice = steps && req.limitPrice !== undefined ? ins.roundPrice(k, req.limitPrice) : req.limitPrice
    const stopPrice = steps && req.stopPrice !== undefined ? ins.roundPrice(k, req.stopPrice) : req.stopPrice
    const problem = requestProblem(req) ?? (steps ? this.stepProblem(req, quantity, limitPrice, stopPrice, k) : undefined)
    // A request refused for its size keeps the quantity asked, so the order shows what was refused.
    const order = new SimOrder(this.nextId++, this.o.market.symbols[k], k, req.side, quantity > 0 ? quantity : req.quantity, req.type ?? 'market',
      limitPrice, stopPrice, tif, req.tag, now, signalBar, expiresAt)
    if (problem !== undefined) {
      order.status = 'rejected'
      order.reason = problem
    }
    this.book.add(order)
    if (order.status === 'open' && this.fillAtClose && order.type === 'market' && !this.flushing) this.closeQueue.push(order)
    return order
  }

  /** Why an order rounded to symbol k's tick and lot cannot stand, or undefined when it can. */
  private stepProblem(req: OrderRequest, quantity: number, limitPrice: number | undefined, stopPrice: number | undefined, k: number): string | undefined {
    const ins = this.instruments
    const symbol = this.o.market.symbols[k]
    if (quantity <= 0) return `quantity ${req.quantity} is less than one lot of ${symbol} (lot_size ${ins.lot[k]})`
    if (limitPrice !== undefined && limitPrice <= 0) return `limitPrice ${req.limitPrice} rounds to 0 on the tick of ${symbol} (tick_size ${ins.tick[k]})`
    if (stopPrice !== undefined && stopPrice <= 0) return `stopPrice ${req.stopPrice} rounds to 0 on the tick of ${symbol} (tick_size ${ins.tick[k]})`
    return undefined
  }

  /**
   * The account and the working orders as plain JSON (see BrokerSnapshot): all the broker carries
   * from one bar to the next. Throws a RangeError if cash, P&L or a position has overflowed.
   */
  snapshot(): BrokerSnapshot {
    const p = this.portfolio
    const symbols = this.o.market.symbols
    const first = this.o.market.series.length > 0 ? this.o.market.series[0] : undefined
    const snapshot: BrokerSnapshot = {
      initialCash: finite(p.initialCash, 'the initial cash'),
      cash: finite(p.cash, 'the cash'),
      realizedPnl: finite(p.realized, 'the realised P&L'),
      commissions: finite(p.commissions, 'the commissions'),
      positions: symbols.map((symbol, k) => ({
        symbol,
        quantity: finite(p.quantity[k], `the position in ${symbol}`),
        averagePrice: orNull(p.averagePrice[k]),
        lastPrice: orNull(p.lastPrice[k]),
        ...(p.isMargined(k) && p.quantity[k] !== 0 ? {settlePrice: orNull(p.settlePrice[k])} : {}),
      })),
      openOrders: this.book.open(-1).map((order) => {
        const o = order as SimOrder
        const saved = this.signalTimes.get(o)
        const signal = saved ?? (first !== undefined && o.signalBar >= 0 && o.signalBar < first.length ? first.time[o.signalBar] : null)
        return orderState(o, signal)
      }),
      openTrades: symbols.flatMap((symbol, k) => {
        const t = this.ledger.openTrade(k)
        if (t === undefined) return []
        return [{
          symbol,
          side: t.direction > 0 ? ('long' as const) : ('short' as const),
          quantity: finite(t.quantity, `the open trade in ${symbol}: quantity`),
          entryTime: t.entryTime,
          entryPrice: finite(t.entryPrice, `the open trade in ${symbol}: entry price`),
          exitQuantity: t.exitQuantity,
          // Nothing closed yet: the slot holds the last trade's price, which no fill will read.
          exitPrice: t.exitQuantity === 0 ? null : orNull(t.exitPrice),
          commission: finite(t.commission, `the open trade in ${symbol}: commission`),
          grossPnl: finite(t.grossPnl, `the open trade in ${symbol}: gross P&L`),
        }]
      }),
      nextOrderId: this.nextId,
    }
    const queued = this.closeQueue.filter((o) => o.status === 'open').map((o) => o.id)
    if (queued.length > 0) snapshot.closeQueue = queued
    return snapshot
  }

  /**
   * Makes this fresh broker (no order taken yet) continue from `snapshot`: cash, P&L, positions,
   * trades in progress, working orders with their ids, signal bars (found by time in this broker's
   * market view; a bar missing from it counts from the last bar before), expiry and stop-limit
   * state, and the next order id. Symbols are matched by name; a symbol this broker does not trade
   * throws before anything changes.
   */
  restore(snapshot: BrokerSnapshot): void {
    if (this.book.all.length > 0 || this.fills.length > 0) throw new Error('bug: restore() needs a fresh broker; this one has taken orders already')
    const market = this.o.market
    const index = new Map(market.symbols.map((s, k) => [s, k]))
    const k = (symbol: string): number => {
      const i = index.get(symbol)
      if (i === undefined) throw new Error(`the saved state holds ${symbol}, which this bot does not trade (${market.symbols.join(', ')})`)
      return i
    }
    const positions = snapshot.positions.map((pos) => ({k: k(pos.symbol), pos}))
    const trades = snapshot.openTrades.map((t) => ({k: k(t.symbol), t}))
    const series = market.series.length > 0 ? market.series[0] : undefined
    const signalTimes: Array<[SimOrder, number]> = []
    const orders = snapshot.openOrders.map((o) => {
      let signalBar = -1
      if (o.signalBarTime !== null && series !== undefined) {
        signalBar = lastIndexAtOrBefore(series.time, series.length, o.signalBarTime)
      }
      const order = new SimOrder(o.id, o.symbol, k(o.symbol), o.side, o.quantity, o.type, price(o.limitPrice), price(o.stopPrice),
        o.timeInForce, o.tag, o.createdAt ?? -Infinity, signalBar, o.expiresAt ?? Infinity)
      order.triggered = o.triggered
      if (o.signalBarTime !== null && (signalBar < 0 || series!.time[signalBar] !== o.signalBarTime)) signalTimes.push([order, o.signalBarTime])
      return order
    })

    const p = this.portfolio
    p.initialCash = snapshot.initialCash
    p.cash = snapshot.cash
    p.realized = snapshot.realizedPnl
    p.commissions = snapshot.commissions
    for (const {k, pos} of positions) {
      p.quantity[k] = pos.quantity
      p.averagePrice[k] = pos.averagePrice ?? NaN
      p.lastPrice[k] = pos.lastPrice ?? NaN
      // Saved before settlement prices were: the position was settled at its last close.
      p.settlePrice[k] = pos.quantity === 0 ? NaN : (pos.settlePrice ?? pos.lastPrice ?? pos.averagePrice ?? NaN)
    }
    for (const {k, t} of trades) {
      this.ledger.resumeTrade(k, {
        direction: t.side === 'long' ? 1 : -1,
        quantity: t.quantity,
        entryTime: t.entryTime,
        entryPrice: t.entryPrice,
        exitQuantity: t.exitQuantity,
        exitPrice: t.exitPrice ?? NaN,
        commission: t.commission,
        grossPnl: t.grossPnl,
      })
    }
    for (const order of orders) this.book.add(order)
    for (const [order, t] of signalTimes) this.signalTimes.set(order, t)
    for (const id of snapshot.closeQueue ?? []) {
      const order = orders.find((o) => o.id === id)
      if (order !== undefined) this.closeQueue.push(order)
    }
    this.nextId = snapshot.nextOrderId
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
    const p = this.portfolio
    const last = p.lastPrice
    const margined = this.instruments.anyMargin
    for (let k = 0; k < series.length; k++) {
      const c = series[k].close[i]
      if (c === c) {
        last[k] = c
        if (margined) p.settle(k, c)
      }
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
    const k = order.symbolIndex
    const p = this.portfolio
    const mult = this.instruments.multiplier[k]
    const commission = this.costs.commission(q, price, mult)
    const before = p.quantity[k]
    const signed = order.side === 'buy' ? q : -q
    const after = before + signed
    if (p.isMargined(k)) {
      const opens = before === 0 || (before > 0) === (signed > 0) || Math.abs(signed) > Math.abs(before)
      if (opens && p.cash + p.cashChange(k, signed, price, commission) < 0) {
        const margin = this.instruments.margin[k]
        const opened = before === 0 || (before > 0) === (signed > 0) ? q : q - Math.abs(before)
        return this.finish(order, 'rejected', `insufficient margin: ${opened} contract(s) × margin ${margin} + commission ${commission.toFixed(2)} leave ${(p.cash + p.cashChange(k, signed, price, commission)).toFixed(2)} in cash, has ${p.cash.toFixed(2)}`)
      }
    } else if (signed > 0 && after > 0 && p.cash - price * mult * q - commission < 0) {
      const need = price * mult * q + commission
      const units = mult === 1 ? `${q} × ${price}` : `${q} × ${price} × multiplier ${mult}`
      return this.finish(order, 'rejected', `insufficient cash: needs ${need.toFixed(2)} (${units} + commission ${commission.toFixed(2)}), has ${p.cash.toFixed(2)}`)
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

  /**
   * A fill the broker did not make itself (an exchange's execution, possibly partial): the same
   * account and trade bookkeeping as `execute`, at the given price and commission, without the
   * affordability checks (the venue has accepted it). The order is `filled` once fully executed.
   */
  protected applyFill(order: SimOrder, quantity: number, price: number, commission: number, time: number, trade?: {id: string; seq: number}): Fill {
    const k = order.symbolIndex
    const before = this.portfolio.quantity[k]
    const signed = order.side === 'buy' ? quantity : -quantity
    const realized = this.portfolio.apply(k, signed, price, commission)
    const fill: Fill = {orderId: order.id, symbol: order.symbol, side: order.side, quantity, price, commission, time, ...(trade === undefined ? {} : {tradeId: trade.id, tradeSeq: trade.seq})}
    this.ledger.record(k, fill, before, realized)
    this.fills.push(fill)
    const filled = (order.filledQuantity ?? 0) + quantity
    order.filledQuantity = filled
    // Average fill price and total commission over the partial fills so far.
    order.fillPrice = order.fillPrice === undefined ? price : (order.fillPrice * (filled - quantity) + price * quantity) / filled
    order.commission = (order.commission ?? 0) + commission
    order.filledAt = time
    if (filled >= order.quantity * (1 - 1e-9)) order.status = 'filled'
    this.listener.filled(order, fill)
    return fill
  }

  protected finish(order: SimOrder, status: 'canceled' | 'rejected', reason: string): void {
    order.status = status
    order.reason = reason
    this.listener.canceled(order)
  }
}

const price = (p: number | null | undefined): number | undefined => (p === undefined ? undefined : (p ?? NaN))

function orderState(o: SimOrder, signalBarTime: number | null): OrderState {
  const expiresAt = o.expiresAt === -Infinity ? BEFORE_ALL : orNull(o.expiresAt)
  return {
    id: o.id,
    symbol: o.symbol,
    side: o.side,
    quantity: o.quantity,
    type: o.type,
    ...(o.limitPrice === undefined ? {} : {limitPrice: orNull(o.limitPrice)}),
    ...(o.stopPrice === undefined ? {} : {stopPrice: orNull(o.stopPrice)}),
    timeInForce: o.timeInForce,
    ...(o.tag === undefined ? {} : {tag: o.tag}),
    createdAt: orNull(o.createdAt),
    signalBarTime,
    expiresAt,
    triggered: o.triggered,
  }
}
