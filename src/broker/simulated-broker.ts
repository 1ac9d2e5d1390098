import type {Clock} from '../core/clock.js'
import type {MarketCalendar} from '../calendar/calendar.js'
import type {BrokerSpec} from '../model/bot-spec.js'
import type {Fill, Order, OrderRequest} from '../model/orders.js'
import type {BrokerListener, BrokerPort, PriceSource} from './broker-port.js'
import {FillLog, fillObjects} from '../model/fill-log.js'
import {BEFORE_ALL, finite, lastIndexAtOrBefore, orNull, type BrokerSnapshot, type OrderState} from './broker-snapshot.js'
import {CostModel} from './costs.js'
import {fillPrice} from './fill-rules.js'
import type {Bars} from '../model/bars.js'
import {Instruments} from './instruments.js'
import {OrderBook} from './order-book.js'
import {Portfolio} from './portfolio.js'
import {netPosition} from './position-dust.js'
import {entryFilled, SimOrder, type PriorFill} from './sim-order.js'
import {venueRequestProblem, type VenueLimits} from './venue-limits.js'
import {TradeLedger} from './trade-ledger.js'

const SILENT: BrokerListener = {filled() {}, canceled() {}}

export interface SimulatedBrokerOptions {
  broker: BrokerSpec
  /** `closeOf(i)`: bar i's close time (MarketView's), which dates a fill at that close. */
  market: PriceSource & {closeOf(i: number): number}
  clock: Clock
  calendar: MarketCalendar
  /** One slot per bar of the run: the account value after each bar. */
  equity: Float64Array
  /** Keep every order for the results (default true); false: only their counts (see OrderBook). */
  keepOrders?: boolean
  /** Refuse what this venue's broker refuses, with its reasons (`bots parity` of an exchange bot); default: everything the simulated broker does. */
  limits?: VenueLimits
}

/**
 * Orders → fills on bars. The runner shows it every bar (`processBar`, then `markBar`), whether or
 * not the strategy iterates on it. Rules:
 * - An order never fills on the bar that was current when it was placed (`signalBar`) nor on a bar
 *   that opened before it was placed; see fill-rules.ts for the price on an eligible bar.
 * - fillPrice `close`: a market order placed in a hook fills right after that hook, at the close of
 *   the latest bar the strategy has seen (cheat-on-close), or at the next open if there is none, or
 *   if that bar is of an earlier session than the hook's (`sessionFirstBar`). Such a fill is stamped
 *   with that bar's last millisecond (`fillCloseQueue`); a bar fill with the filling bar's open.
 * - Checked at fill time, else rejected with a reason: a buy that leaves a long position needs
 *   cash ≥ price × multiplier × qty + commission; a sell that leaves a short position needs
 *   `allowShort`. A futures-like symbol (an instrument with a margin) needs, for a fill that opens
 *   contracts (long or short), cash ≥ 0 after it: margin of the opened contracts and commission
 *   paid, margin and settled P&L of any closed ones received (Backtrader's margin check).
 * - Instruments (`broker.instruments`, see instruments.ts): a limit or stop price rounds to the
 *   symbol's tick, a quantity down to its lot, when the order is submitted; below one lot, or a
 *   price that rounds to 0, is rejected then. Each bar's close settles futures-like positions.
 * - Day orders expire at the close of the first session that closes after they were placed. A bar
 *   that also holds a whole later session (a weekly bar) fills a day order only at its open.
 * - A bar with NaN prices for a symbol (no bar for it at that time) fills nothing for it.
 */
export class SimulatedBroker implements BrokerPort {
  listener: BrokerListener = SILENT
  readonly costs: CostModel
  readonly instruments: Instruments
  readonly portfolio: Portfolio
  readonly ledger: TradeLedger
  readonly book: OrderBook
  /** Every fill, in order, as columns (no object kept per fill; `fills` makes the objects). */
  readonly fillLog = new FillLog()
  private readonly closeQueue: SimOrder[] = []
  /**
   * The first bar of the session in progress, set by the kernel at a session's opening hooks
   * (`beforeMarketOpens`, `beforeStartingTrading`). Until that bar has been seen, the latest close
   * is the last session's, a night old: a close-mode market order placed then (in those hooks or
   * their order events) fills at the session's first open instead, as an order placed before any
   * bar does.
   */
  sessionFirstBar = 0
  private readonly fillAtClose: boolean
  /** `broker.same_bar`: which leg of an OCO pair fills when one bar reaches both. */
  private readonly sameBar: 'stop_first' | 'target_first' | 'open_distance'
  /** `broker.max_volume_share` (0: no limit), and the volume used per symbol on bar `usedBar`. */
  private readonly maxShare: number
  private readonly volumeUsed: Float64Array
  private usedBar = -1
  /** OCO pairs whose two legs could both fill on one bar, decided by `sameBar` (result counts: `sameBar`). */
  sameBarDecisions = 0
  protected nextId = 1
  private flushing = false
  /**
   * Restored orders whose signal bar is not in the market view (it holds a different stretch of
   * bars): the saved time, so that a new snapshot gives it back unchanged. Read by `snapshot()` only.
   */
  private readonly signalTimes = new Map<SimOrder, number>()
  /** The bar `processBar` is matching (-1 between bars), and the legs it had passed that protectPart freed since. */
  private barInProgress = -1
  private passedLegs: SimOrder[] | undefined

  /** The fills so far as Fill objects: made anew at each call, from `fillLog`. */
  get fills(): Fill[] {
    return fillObjects(this.fillLog, this.o.market.symbols)
  }

  constructor(protected readonly o: SimulatedBrokerOptions) {
    this.book = new OrderBook(o.keepOrders ?? true)
    this.costs = new CostModel(o.broker)
    this.instruments = new Instruments(o.market.symbols, o.broker.instruments)
    this.portfolio = new Portfolio(o.broker.cash, o.market.symbols.length, this.instruments)
    this.ledger = new TradeLedger(o.market.symbols, this.instruments.multiplier)
    this.fillAtClose = o.broker.fillPrice === 'close'
    this.sameBar = o.broker.sameBar ?? 'stop_first'
    this.maxShare = o.broker.maxVolumeShare ?? 0
    this.volumeUsed = new Float64Array(o.market.symbols.length)
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
  multiplier(k: number): number {
    return this.instruments.multiplier[k]
  }
  lotSize(k: number): number {
    return this.instruments.lot[k]
  }
  /** Every order submitted so far, as its JSON has it, in submission order (none with `keepOrders: false`). */
  submittedOrders(): Order[] {
    return this.book.submittedOrders(this.o.market.symbols)
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
    let problem = venueRequestProblem(req, this.o.limits) ?? (steps ? this.stepProblem(req, quantity, limitPrice, stopPrice, k) : undefined)
    // A request refused for its size keeps the quantity asked, so the order shows what was refused.
    const order = new SimOrder(this.nextId++, this.o.market.symbols[k], k, req.side, quantity > 0 ? quantity : req.quantity, req.type ?? 'market',
      limitPrice, stopPrice, tif, req.tag, now, signalBar, expiresAt)
    if (expiresAt !== Infinity) order.laterClose = this.laterClose(expiresAt)
    if (req.trailAmount !== undefined) order.trailAmount = req.trailAmount
    if (req.trailPercent !== undefined) order.trailPercent = req.trailPercent
    order.trails = order.trailing
    let commitLinks: (() => void) | undefined
    if (problem === undefined && (req.ocoWith !== undefined || req.parentId !== undefined || req.replaces !== undefined)) {
      const linked = this.link(order, req)
      if (typeof linked === 'string') problem = linked
      else commitLinks = linked
    }
    if (problem === undefined && order.trailing && (order.parent === undefined || order.parent.status === 'filled')) problem = this.startTrail(order, this.o.market.series[k]?.close[signalBar] ?? NaN)
    if (problem !== undefined) {
      order.status = 'rejected'
      order.reason = problem
    } else {
      commitLinks?.()
    }
    this.book.add(order)
    if (order.status === 'open' && this.fillAtClose && order.type === 'market' && !this.flushing && order.parent === undefined) this.closeQueue.push(order)
    return order
  }

  /**
   * Links a new order to the orders its request names (OCO partner, bracket entry, the order it
   * replaces). The new order's own side of the links is set at once; the other orders' side comes
   * in the returned commit, which the caller runs only once the new order is known to work (a
   * trailing stop that cannot start is refused after this): a refused order then leaves every
   * other order as it was (before, a refused replacement had already canceled the order it was to
   * replace and taken its legs, and a refused OCO leg stayed its partner's partner). A string is
   * the problem.
   */
  private link(order: SimOrder, req: OrderRequest): string | (() => void) {
    const working = (id: number | undefined, what: string): SimOrder | string => {
      const o = id === undefined ? undefined : this.book.find(id)
      return o ?? `${what} ${String(id)} is not a working order`
    }
    if (req.replaces !== undefined) {
      const old = working(req.replaces, 'the order to replace,')
      if (typeof old === 'string') return old
      if (old.symbolIndex !== order.symbolIndex || old.side !== order.side) return `a replacement keeps the symbol and side of order ${old.id}`
      // Take over its links without ending them: the partner and the legs stay.
      const partner = old.oco
      if (partner !== undefined) order.oco = partner
      const parent = old.parent
      if (parent !== undefined) order.parent = parent // the old order keeps its parentId, for the record
      order.filledParentId = old.filledParentId
      if (order.trails && old.trails) order.best = old.best
      // Its working legs follow it; a leg that has ended keeps the entry it ended under (its
      // record does not change once it is over).
      const legs = old.children?.filter((c) => c.status === 'open') ?? []
      if (legs.length > 0) {
        order.children = legs
        // The part it filled is held, and its legs are for it too (replaceOrder asks for the rest).
        order.priorFill = entryFilled(old)
      }
      return () => {
        if (partner !== undefined) {
          partner.oco = order
          old.oco = undefined
        }
        if (parent !== undefined) {
          // Legs in submission order (as a restore rebuilds them): the replacement goes last.
          parent.children!.splice(parent.children!.indexOf(old), 1)
          parent.children!.push(order)
        }
        // Legs are "for the entry's quantity": a new size for the entry is theirs too (an exit
        // for the old size would have opened a position the other way, found by an audit).
        for (const c of legs) {
          c.parent = order
          c.quantity = order.quantity + (order.priorFill?.quantity ?? 0)
        }
        old.children = undefined
        this.finish(old, 'canceled', `replaced by order ${order.id}`)
      }
    }
    let parent: SimOrder | undefined
    if (req.parentId !== undefined) {
      const p = working(req.parentId, 'the entry order')
      if (typeof p === 'string') return p
      if (p.symbolIndex !== order.symbolIndex) return `a bracket leg trades the symbol of its entry (${p.symbol})`
      order.parent = parent = p
    }
    let partner: SimOrder | undefined
    if (req.ocoWith !== undefined) {
      const p = working(req.ocoWith, 'the OCO partner, order')
      if (typeof p === 'string') return p
      if (p.oco !== undefined) return `order ${p.id} is already in an OCO pair (with order ${p.oco.id})`
      order.oco = partner = p
    }
    return () => {
      if (parent !== undefined) (parent.children ??= []).push(order)
      if (partner !== undefined) partner.oco = order
    }
  }

  /** A day order's `laterClose`: the close of the first session opening after it expires. */
  private laterClose(expiresAt: number): number {
    // BEFORE_ALL (restored): it expires on the first bar anyway.
    if (!(expiresAt > BEFORE_ALL && expiresAt < Infinity)) return Infinity
    return this.o.calendar.nextSession(expiresAt)?.close ?? Infinity
  }

  /** A trailing stop starts working from `from` (the last close, or its entry's fill price). */
  private startTrail(order: SimOrder, from: number): string | undefined {
    // A replacement goes on from the best price of the order it replaces.
    const b = order.best
    if (b === b && (!(from === from) || (order.side === 'sell' ? b > from : b < from))) from = b
    if (!(from === from) && order.stopPrice === undefined) return 'a trailing stop needs a price to start from: no bar seen yet (give a stopPrice)'
    order.best = from
    const level = this.trailLevel(order, from)
    if (level === level && (order.stopPrice === undefined || (order.side === 'sell' ? level > order.stopPrice : level < order.stopPrice))) order.stopPrice = level
    if (!(order.stopPrice! > 0)) return `a trailing stop from ${from} by ${order.trailAmount ?? `${order.trailPercent}%`} is at or below 0`
    return undefined
  }

  /** Where a trailing stop stands for a best price (rounded to the tick), NaN without one. */
  private trailLevel(order: SimOrder, best: number): number {
    const sign = order.side === 'sell' ? -1 : 1
    const level = order.trailAmount !== undefined ? best + sign * order.trailAmount : best * (1 + (sign * order.trailPercent!) / 100)
    const k = order.symbolIndex
    return this.instruments.anySteps && level === level ? this.instruments.roundPrice(k, level) : level
  }

  /** After a bar a trailing stop worked on: follows the bar's best price; only ever tightens. */
  private trail(order: SimOrder, high: number, low: number): void {
    const sell = order.side === 'sell'
    const x = sell ? high : low
    if (x === x && (order.best !== order.best || (sell ? x > order.best : x < order.best))) order.best = x
    const level = this.trailLevel(order, order.best)
    if (level === level && (order.stopPrice === undefined || (sell ? level > order.stopPrice : level < order.stopPrice))) order.stopPrice = level
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
    if (this.book.submitted > 0 || this.fillLog.count > 0) throw new Error('bug: restore() needs a fresh broker; this one has taken orders already')
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
      if (o.timeInForce === 'day') order.laterClose = this.laterClose(order.expiresAt)
      if (o.trailAmount !== undefined) order.trailAmount = o.trailAmount
      if (o.trailPercent !== undefined) order.trailPercent = o.trailPercent
      order.trails = order.trailing
      if (o.best !== undefined) order.best = o.best ?? NaN
      if (o.filledQuantity !== undefined && order.filledQuantity === undefined && o.filledQuantity > 0) {
        order.filledQuantity = o.filledQuantity
        if (o.fillPrice !== undefined) order.fillPrice = o.fillPrice
        if (o.commission !== undefined) order.commission = o.commission
        if (o.filledAt !== undefined) order.filledAt = o.filledAt
      }
      if (o.priorFill !== undefined) order.priorFill = {...o.priorFill}
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
    const byId = new Map(orders.map((o) => [o.id, o]))
    snapshot.openOrders.forEach((o, j) => {
      const order = orders[j]
      const partner = o.ocoWith === undefined ? undefined : byId.get(o.ocoWith)
      if (partner !== undefined) order.oco = partner
      else if (o.ocoWith !== undefined) order.endedOcoWith = o.ocoWith // a leg filling its rest after the pair ended (afterFill)
      const parent = o.parentId === undefined ? undefined : byId.get(o.parentId)
      if (parent !== undefined) {
        order.parent = parent
        ;(parent.children ??= []).push(order)
      } else if (o.parentId !== undefined) {
        order.filledParentId = o.parentId // its entry filled before the save: the leg works
      }
    })
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

  /**
   * Whether `processBar` has anything to do: false with no working order, and the kernel then skips
   * the call (most bars of a run). A broker whose bars bring work of their own says true.
   */
  get hasBarWork(): boolean {
    return !this.book.isEmpty
  }

  /** Matches the working orders against bar `i` (all symbols). */
  processBar(i: number): void {
    if (this.book.isEmpty) return
    const barTime = this.o.market.series[0].time[i]
    // Where the bar ends, for day orders (`laterClose`): a GTC order (expiresAt Infinity) never
    // gets past the expiry check below, so it costs nothing more than before.
    const barEnd = this.book.hasDayOrders ? this.o.market.closeOf(i) : barTime
    const pending = this.book.pending
    const n = pending.length
    this.barInProgress = i
    for (let j = 0; j < n; j++) this.matchOn(pending[j], i, barTime, barEnd)
    this.barInProgress = -1
    // Legs freed this bar by an entry that sits after them in the book (a replacement refused or
    // expired here, protectPart): the loop had passed them; they work on this bar as any other.
    const passed = this.passedLegs
    if (passed !== undefined) {
      this.passedLegs = undefined
      for (const leg of passed) this.matchOn(leg, i, barTime, barEnd)
    }
    this.book.compact()
  }

  /** Bar `i` for one working order: expiry, eligibility, then a fill (or its OCO pair's), then the trail. */
  private matchOn(order: SimOrder, i: number, barTime: number, barEnd: number): void {
    if (order.status !== 'open') return
    // A day order on a bar that also holds a whole later session (a weekly bar on an exchange
    // calendar): only the bar's open is known to have traded in the order's session, so only the
    // open is matched; unfilled, it expires when the next bar comes.
    let atOpen = false
    if (order.expiresAt <= barEnd) {
      if (order.expiresAt <= barTime) {
        this.finish(order, 'canceled', 'day order expired at the session close')
        return
      }
      atOpen = order.laterClose <= barEnd
    }
    if (!eligible(order, i, barTime)) return
    const bars = this.o.market.series[order.symbolIndex]
    const open = bars.open[i]
    if (open !== open) return
    if (order.oco === undefined) {
      const price = priceOn(order, bars, i, atOpen)
      if (price === price) this.execute(order, price, barTime, i)
    } else if (order.matchedBar !== i) {
      order.matchedBar = i
      this.matchPair(order, i, barTime, barEnd)
    }
    // A day order matched at the open only does not trail: it will not work again.
    if (order.trails && !atOpen && order.status === 'open') this.trail(order, bars.high[i], bars.low[i])
  }

  /**
   * One leg of an OCO pair on bar `i`, with its partner when that works on the bar too. When both
   * could fill: a leg reached at the open (a gap, a market order) fills, since the open comes
   * first; otherwise `broker.same_bar` decides (counted in `sameBarDecisions`). The other leg is
   * then canceled by the fill.
   */
  private matchPair(order: SimOrder, i: number, barTime: number, barEnd: number): void {
    const series = this.o.market.series
    const a = series[order.symbolIndex]
    // A day leg on a bar past its session (see processBar) sees only the open.
    const pa = priceOn(order, a, i, order.laterClose <= barEnd)
    const partner = order.oco!
    const b = series[partner.symbolIndex]
    if (partner.status !== 'open' || partner.matchedBar === i || partner.expiresAt <= barTime || !eligible(partner, i, barTime) || b.open[i] !== b.open[i]) {
      if (pa === pa) this.execute(order, pa, barTime, i)
      return
    }
    partner.matchedBar = i
    const pb = priceOn(partner, b, i, partner.laterClose <= barEnd)
    if (pa === pa && pb === pb) {
      if (this.firstLeg(order, pa, a.open[i], partner, pb, b.open[i]) === order) this.execute(order, pa, barTime, i)
      else this.execute(partner, pb, barTime, i)
    } else if (pa === pa) {
      this.execute(order, pa, barTime, i)
    } else if (pb === pb) {
      this.execute(partner, pb, barTime, i)
    }
  }

  /** Of two legs that could both fill on one bar, the one that fills (see `matchPair`). */
  private firstLeg(a: SimOrder, pa: number, openA: number, b: SimOrder, pb: number, openB: number): SimOrder {
    const aOpen = pa === openA
    const bOpen = pb === openB
    if (aOpen !== bOpen) return aOpen ? a : b
    this.sameBarDecisions++
    const aStop = a.type === 'stop' || a.type === 'stop_limit'
    const bStop = b.type === 'stop' || b.type === 'stop_limit'
    if (aStop !== bStop && this.sameBar !== 'open_distance') return (this.sameBar === 'stop_first') === aStop ? a : b
    const da = Math.abs(trigger(a, openA) - openA)
    const db = Math.abs(trigger(b, openB) - openB)
    if (da !== db) return da < db ? a : b
    // Equally near: the conservative leg, else the one submitted first.
    return aStop === bStop ? (a.id < b.id ? a : b) : aStop ? a : b
  }

  /** Records the account value after bar `i`, marking each position at its last known close. */
  markBar(i: number): void {
    const series = this.o.market.series
    const p = this.portfolio
    const last = p.lastPrice
    // Two loops rather than a test per symbol: this runs once per bar.
    if (this.instruments.anyMargin) {
      for (let k = 0; k < series.length; k++) {
        const c = series[k].close[i]
        if (c === c) {
          last[k] = c
          p.settle(k, c)
        }
      }
    } else {
      for (let k = 0; k < series.length; k++) {
        const c = series[k].close[i]
        if (c === c) last[k] = c
      }
    }
    // A live feed may run past the slots it was given; the paper broker then just stops recording.
    const equity = this.o.equity
    if (i < equity.length) equity[i] = p.value()
  }

  /** Called by the runner after every hook: fills `close`-mode market orders of that hook. */
  afterHook(): void {
    if (this.flushing || this.closeQueue.length === 0) return
    this.fillCloseQueue()
  }

  /**
   * `afterHook`'s work, kept apart: afterHook runs after every hook (every iteration of a backtest),
   * nearly always with nothing to fill, and is inlined into the session kernel's loop, where only
   * its check belongs (measured: 3 ns a bar less with an empty strategy).
   */
  private fillCloseQueue(): void {
    const queue = this.closeQueue.splice(0)
    const market = this.o.market
    const cursor = market.cursor
    // They stay in the book, for the next bar's open.
    if (cursor < this.sessionFirstBar || cursor < 0) return
    // Dated inside the bar whose close it takes, at its last millisecond, not at the clock: the
    // clock (that close or later) is the next bar's open, where a daily bar's Friday-close fill
    // showed as Saturday, shared its time with a fill at the next open, and drew its chart marker
    // a candle late. Backtrader dates a cheat-on-close fill at the signal bar too. The fill is then
    // 1 ms (or more) before its order's createdAt: its bar is the order's signal bar.
    const time = market.closeOf(cursor) - 1
    this.flushing = true
    try {
      for (const order of queue) {
        if (order.status !== 'open') continue
        const close = market.series[order.symbolIndex].close[cursor]
        if (close === close) this.execute(order, close, time, cursor)
      }
    } finally {
      this.flushing = false
    }
    this.book.compact()
    this.markBar(cursor)
  }

  /** Cancels the day orders whose session has closed by `t`. */
  expireDue(t: number): void {
    if (!this.book.hasDayOrders) return
    for (const order of this.book.pending) {
      if (order.status === 'open' && order.expiresAt <= t) this.finish(order, 'canceled', 'day order expired at the session close')
    }
    this.book.compact()
  }

  /** Fills order (all of it, or what the bar's volume allows) at rawPrice (before slippage) on bar `bar`. */
  private execute(order: SimOrder, rawPrice: number, time: number, bar: number): void {
    const k = order.symbolIndex
    const series = this.o.market.series[k]
    const price = order.type === 'market' || order.type === 'stop' ? this.costs.slip(order.side, rawPrice, series.low[bar], series.high[bar]) : rawPrice
    const partial = this.maxShare > 0
    let q = order.quantity
    if (partial) {
      q -= order.filledQuantity ?? 0
      const volume = series.volume[bar]
      if (volume === volume) {
        if (bar !== this.usedBar) {
          this.volumeUsed.fill(0)
          this.usedBar = bar
        }
        const room = volume * this.maxShare - this.volumeUsed[k]
        const lot = this.instruments.lot[k]
        // Whole lots (or whole units for a whole-unit order): an order never fills a fraction it could not be given.
        const cap = lot > 0 ? Math.floor(room / lot + 1e-9) * lot : Number.isInteger(order.quantity) ? Math.floor(room + 1e-9) : room
        if (cap < q) q = cap
        if (!(q > 0)) return
      }
    }
    const p = this.portfolio
    const mult = this.instruments.multiplier[k]
    const commission = this.costs.commission(q, price, mult)
    const before = p.quantity[k]
    const signed = order.side === 'buy' ? q : -q
    const after = netPosition(before, signed)
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
    this.fillLog.push(order.id, order.side === 'buy' ? 1 : -1, q, price, commission, time, bar, k)
    if (partial) {
      if (bar === this.usedBar) this.volumeUsed[k] += q
      if (!addPart(order, q, price, commission, time) && order.type === 'stop') order.triggered = true
    } else {
      order.status = 'filled'
      order.filledAt = time
      order.fillPrice = price
      order.commission = commission
    }
    this.listener.filled(order, fill)
    this.afterFill(order, price, bar)
  }

  /** A fill ends the OCO partner (on the first part) and, once complete, starts a bracket's legs. */
  private afterFill(order: SimOrder, price: number, bar: number): void {
    const partner = order.oco
    if (partner !== undefined && partner.status === 'open') {
      if (order.status === 'open') {
        // A first part: the pair is over, and the rest fills as an order of its own (a replacement
        // of it is paired with nothing). Its record still names the partner.
        order.oco = undefined
        order.endedOcoWith = partner.id
      }
      this.finish(partner, 'canceled', `OCO: order ${order.id} filled`)
    }
    if (order.status !== 'filled' || order.children === undefined) return
    for (const leg of order.children) {
      if (leg.status !== 'open') continue
      // Working from the bar after the entry's fill: where the price went after the fill inside that bar is unknown.
      leg.signalBar = Math.max(leg.signalBar, bar)
      if (leg.trailing) {
        const problem = this.startTrail(leg, entryFilled(order)?.price ?? price) // the average of its parts, as protectPart
        if (problem !== undefined) this.finish(leg, 'rejected', problem)
      }
    }
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
    this.fillLog.push(order.id, order.side === 'buy' ? 1 : -1, quantity, price, commission, time, this.o.market.cursor, k)
    if (trade !== undefined) this.fillLog.exchange.set(this.fillLog.count - 1, {tradeId: trade.id, tradeSeq: trade.seq})
    addPart(order, quantity, price, commission, time)
    this.listener.filled(order, fill)
    this.afterFill(order, price, this.o.market.cursor)
    return fill
  }

  /**
   * Ends an order unfilled (or the rest of a partly filled one); its OCO partner ends with it. A
   * bracket entry's open legs are canceled when nothing of it filled, else they protect the part.
   */
  protected finish(order: SimOrder, status: 'canceled' | 'rejected', reason: string): void {
    order.status = status
    order.reason = reason
    this.listener.canceled(order)
    const partner = order.oco
    // A partner that has filled a part is what ended this order (afterFill): it goes on filling
    // its rest (with a volume cap, over later bars), as its own order, not canceled with this one.
    if (partner !== undefined && partner.status === 'open' && partner.filledQuantity === undefined) this.finish(partner, 'canceled', `OCO: order ${order.id} was ${status}`)
    if (order.children === undefined) return
    const part = entryFilled(order)
    if (part !== undefined) return this.protectPart(order, part)
    for (const leg of order.children) if (leg.status === 'open') this.finish(leg, 'canceled', `its entry, order ${order.id}, was ${status}`)
  }

  /**
   * A bracket entry ended after a part filled (broker.max_volume_share; canceled, expired, the
   * rest refused; `part` counts in what the entries it replaced filled, see SimOrder.priorFill):
   * that part is a position, and its stop-loss must not vanish with the entry. As
   * NautilusTrader's OrderManager does for an OTO parent closed with a filled quantity (Backtrader
   * cancels them), each open leg is cut to the filled quantity and works on its own from the bar
   * after the entry's last fill, as afterFill starts legs; a trailing leg trails from the average
   * fill price. The legs stay each other's OCO partner; their records still name the entry.
   */
  private protectPart(entry: SimOrder, part: PriorFill): void {
    const k = entry.symbolIndex
    const ins = this.instruments
    const filled = ins.anySteps ? ins.roundQuantity(k, part.quantity) : part.quantity
    const bars = this.o.market.series.length > 0 ? this.o.market.series[0] : undefined
    const lastFill = bars === undefined ? -1 : lastIndexAtOrBefore(bars.time, bars.length, part.at)
    for (const leg of entry.children!) {
      if (leg.status !== 'open') continue
      if (!(filled > 0)) {
        this.finish(leg, 'canceled', `its entry, order ${entry.id}, was ${entry.status} with less than one lot filled`)
        continue
      }
      leg.parent = undefined
      leg.filledParentId = entry.id
      // Never larger than the strategy made it (a leg replaced with a smaller quantity).
      if (filled < leg.quantity) leg.quantity = filled
      if (lastFill > leg.signalBar) {
        leg.signalBar = lastFill
        this.signalTimes.delete(leg) // a restored leg's saved signal time no longer applies
      }
      // The legs of a replaced entry come before it in the book (replaceOrder): ended inside the
      // bar loop, it has the loop pass them already, so processBar matches them after it.
      if (this.barInProgress >= 0 && passedBy(this.book.pending, leg, entry)) (this.passedLegs ??= []).push(leg)
      if (leg.trailing) {
        const problem = this.startTrail(leg, part.price)
        if (problem !== undefined) this.finish(leg, 'rejected', problem)
      }
    }
  }
}

/**
 * One part of an order filled: its filled quantity, average fill price and total commission over
 * the parts so far; `filled` once the whole quantity is. True when it is complete.
 */
function addPart(order: SimOrder, quantity: number, price: number, commission: number, time: number): boolean {
  const filled = (order.filledQuantity ?? 0) + quantity
  order.filledQuantity = filled
  order.fillPrice = order.fillPrice === undefined ? price : (order.fillPrice * (filled - quantity) + price * quantity) / filled
  order.commission = (order.commission ?? 0) + commission
  order.filledAt = time
  if (filled < order.quantity * (1 - 1e-9)) return false
  order.status = 'filled'
  return true
}

/** Whether `leg` comes before `entry` in the book: the bar loop has passed it when `entry` is matched. */
function passedBy(pending: readonly SimOrder[], leg: SimOrder, entry: SimOrder): boolean {
  const at = pending.indexOf(entry)
  const legAt = pending.indexOf(leg)
  return legAt >= 0 && at >= 0 && legAt < at
}

/** `order`'s fill price on bar `i` of `b` (NaN: none); `atOpen`: only the bar's open counts. */
function priceOn(order: SimOrder, b: Bars, i: number, atOpen: boolean): number {
  const open = b.open[i]
  return atOpen ? fillPrice(order, open, open, open) : fillPrice(order, open, b.high[i], b.low[i])
}

const price = (p: number | null | undefined): number | undefined => (p === undefined ? undefined : (p ?? NaN))

/** Whether `order` works on bar `i`: after its signal bar, not before it was placed, and (a bracket leg) once its entry has filled. */
function eligible(order: SimOrder, i: number, barTime: number): boolean {
  return i > order.signalBar && barTime >= order.createdAt && (order.parent === undefined || order.parent.status === 'filled')
}

/** The price that sets a leg off: a stop's stop (a triggered stop-limit: its limit), a limit's limit, a market order's open. */
function trigger(o: SimOrder, open: number): number {
  if (o.type === 'stop' || (o.type === 'stop_limit' && !o.triggered)) return o.stopPrice!
  if (o.type === 'limit' || o.type === 'stop_limit') return o.limitPrice!
  return open
}

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
    // Only for the orders that have them: snapshots without these features keep their shape.
    ...(o.clientOrderId === undefined && o.filledQuantity !== undefined ? {filledQuantity: o.filledQuantity, fillPrice: o.fillPrice, commission: o.commission, filledAt: o.filledAt} : {}),
    // An open order's partner is open too, unless its first part ended the pair (afterFill: endedOcoWith).
    ...(o.ocoWith === undefined ? {} : {ocoWith: o.ocoWith}),
    ...(o.parentId === undefined ? {} : {parentId: o.parentId}),
    ...(o.trailAmount === undefined ? {} : {trailAmount: o.trailAmount}),
    ...(o.trailPercent === undefined ? {} : {trailPercent: o.trailPercent}),
    ...(o.trailing ? {best: orNull(o.best)} : {}),
    ...(o.priorFill === undefined ? {} : {priorFill: {...o.priorFill}}),
  }
}
