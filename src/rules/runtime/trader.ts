/**
 * Orders for one symbol under a rules plan. Per iteration with new bars (`evaluate`):
 *   1. an entry or exit order still working → wait for it;
 *   2. in a position: move the trailing stop, then if the side's exit condition — or the other
 *      side's entry condition (a reversal) — is true, cancel the stops and close at market, and
 *      on a reversal also enter the other side;
 *   3. flat: enter long or short when exactly one entry condition is true.
 * Stops are broker orders placed when the entry fills (so they work from the next bar): one stop
 * order (the tighter of stop-loss and trailing stop) and one take-profit limit, an OCO pair in the
 * broker: when one fills the other is canceled at once, and a bar that reaches both fills one, as
 * `broker.same_bar` says. A trailing stop that moves replaces the stop leg (keeping the pair).
 * A broker without stop orders (an exchange broker places market and limit orders only) refuses
 * the stop: the trader then watches the level itself, bar by bar, and closes at market when a bar
 * reaches it (`watchStop`); the take-profit stays a limit order there.
 */
import {unsupportedOrderType, type Fill, type Order} from '../../model/orders.js'
import type {StrategyContext} from '../../model/strategy.js'
import type {RulesPlan, StopPlan} from '../plan.js'
import type {SymbolRuntime} from './symbol-runtime.js'
import {entryQuantity} from './sizing.js'

const isOpen = (o: Order | undefined) => o !== undefined && o.status === 'open'

const NO_STOP_ORDERS = unsupportedOrderType('stop')

/**
 * The first bar whose prices can come after a fill at `time`: the newest bars opened at or after
 * it — the fill's own bar for a fill at a bar's open (the bar is over when the fill is reported) —
 * else the next bar (a fill at a bar's close, or inside a bar that has not closed yet). A bar
 * before the fill never moves the trailing stop.
 */
function firstBarFrom(ctx: StrategyContext, symbol: string, time: number): number {
  const n = ctx.barCount(symbol)
  let ago = 0
  while (ago < n && ctx.time(symbol, ago) >= time) ago++
  return n - ago
}

export class SymbolTrader {
  private entryOrder: Order | undefined
  private exitOrder: Order | undefined
  private stopOrder: Order | undefined
  private targetOrder: Order | undefined
  private side = 0
  private stopLevel = NaN
  private best = NaN
  /** The first bar (on the run's index) the trailing stop's best price has not seen yet. */
  private trailFrom = 0
  private trailAtr = NaN
  /**
   * Whether the broker pairs the stop and take-profit itself (OCO) and replaces orders: the
   * simulated and paper brokers do; an exchange broker (its orders carry a clientOrderId) takes
   * neither, and there the trader pairs the legs itself, as before.
   */
  private linked = true
  /**
   * The broker refused the stop for its type (an exchange broker has no stop orders): the stop at
   * `stopLevel` is watched here (`watchStop`), bar by bar from `watchFrom` (the bars not looked at
   * yet; the first is the entry's fill's, which only moves a trailing stop) and from `stopFrom`.
   */
  private watched = false
  /** A bar reached the watched stop: the position is being closed at market (again, if an exit ended with units left). */
  private stopHit = false
  private watchFrom = 0
  /** The first bar the watched stop can close on: the one after the entry's fill (as the broker's legs work). */
  private stopFrom = 0
  private readonly trails: boolean

  constructor(
    readonly symbol: string,
    private readonly plan: RulesPlan,
    private readonly rt: SymbolRuntime,
  ) {
    this.trails = plan.trailingStop !== undefined
  }

  evaluate(ctx: StrategyContext): void {
    const rt = this.rt
    // Nothing to do on most bars of a crossover plan: no condition can hold, and without a
    // trailing stop to move, judging them would end in doing nothing (and asking the position).
    if (!this.trails && !this.watching && !rt.conditionsMayHold()) return
    this.judge(ctx)
  }

  /** `evaluate`'s rare part, a method of its own so that V8 inlines the per-bar check above without it. */
  private judge(ctx: StrategyContext): void {
    const rt = this.rt
    if (isOpen(this.entryOrder) || isOpen(this.exitOrder)) return
    const position = ctx.position(this.symbol)
    if (position !== 0) {
      const side = position > 0 ? 1 : -1
      if (this.watched && this.side === side) {
        if (this.stopHit || this.watchStop(ctx)) return this.exitAtStop(ctx, side)
      } else if (this.plan.trailingStop && this.side === side) this.trail(ctx)
      const exit = side > 0 ? rt.exitLong : rt.exitShort
      const reverse = side > 0 ? rt.entryShort : rt.entryLong
      const wantsExit = exit !== undefined && exit() === 1
      const wantsReverse = reverse !== undefined && reverse() === 1
      if (!wantsExit && !wantsReverse) return
      this.cancelProtection(ctx)
      this.exitOrder = ctx.closePosition(this.symbol)
      if (wantsReverse) this.enter(ctx, -side)
      return
    }
    const long = rt.entryLong !== undefined && rt.entryLong() === 1
    const short = rt.entryShort !== undefined && rt.entryShort() === 1
    if (long !== short) this.enter(ctx, long ? 1 : -1)
  }

  onFilled(ctx: StrategyContext, order: Order, fill: Fill): void {
    // An order filling in parts (broker.max_volume_share; an exchange's several trades for one
    // order) is done when it is filled: until then the entry or exit is still working, and a stop
    // leg goes on filling its rest. (Stops placed at an exchange order's first trade covered that
    // trade's quantity only.)
    if (order.status !== 'filled') return
    if (order.id === this.entryOrder?.id) {
      this.entryOrder = undefined
      // From the average price of the entry's fills (one fill: its price).
      this.entered(ctx, order, order.fillPrice ?? fill.price, fill.time)
    } else if (order.id === this.exitOrder?.id) {
      this.exitOrder = undefined
      if (!isOpen(this.entryOrder) && ctx.position(this.symbol) === 0) this.side = 0
    } else if (order.id === this.stopOrder?.id || order.id === this.targetOrder?.id) {
      const other = order.id === this.stopOrder?.id ? this.targetOrder : this.stopOrder
      this.stopOrder = this.targetOrder = undefined
      this.side = 0
      if (isOpen(other)) ctx.cancelOrder(other!.id)
      else if (other?.status === 'filled' && ctx.position(this.symbol) !== 0) {
        // Both filled (not an OCO pair: a broker without them): undo the second one.
        ctx.log.warn(`${this.symbol}: stop and take-profit both filled on one bar; closing the resulting position`)
        this.exitOrder = ctx.closePosition(this.symbol)
      }
    }
  }

  onCanceled(ctx: StrategyContext, order: Order): void {
    if (order.id === this.entryOrder?.id) {
      this.entryOrder = undefined
      // Ended after a part filled (the rest refused for cash, canceled or expired at the
      // exchange): that part is the position, and it gets its stops as a filled entry would.
      if ((order.filledQuantity ?? 0) > 0 && order.fillPrice !== undefined) this.entered(ctx, order, order.fillPrice, order.filledAt ?? ctx.now)
    } else if (order.id === this.exitOrder?.id) this.exitOrder = undefined
    else if (order.id === this.stopOrder?.id) this.stopOrder = undefined
    else if (order.id === this.targetOrder?.id) this.targetOrder = undefined
  }

  private enter(ctx: StrategyContext, side: number): void {
    const close = this.rt.ring('close').at(0)
    const quantity = entryQuantity(this.plan.sizing, ctx, this.rt.ring('close'), close, this.symbol)
    if (!(quantity > 0)) return // none (NaN), or under one unit (lot)
    // An ATR stop needs its ATR at entry: no entry before it has a value.
    for (const stop of [this.plan.stopLoss, this.plan.takeProfit, this.plan.trailingStop]) {
      if (stop?.atrPeriod !== undefined && !(this.rt.stopAtr.get(stop.atrPeriod)!.at(0) > 0)) return
    }
    const order = ctx.submitOrder({symbol: this.symbol, side: side > 0 ? 'buy' : 'sell', quantity})
    this.entryOrder = order.status === 'open' ? order : undefined
  }

  private distance(stop: StopPlan, from: number): number {
    return stop.kind === 'percent' ? (from * stop.distance) / 100 : this.rt.stopAtr.get(stop.atrPeriod!)!.at(0) * stop.distance
  }

  /** The entry is done (filled, or ended with a part filled) at average `price`, its last fill at `time`. */
  private entered(ctx: StrategyContext, order: Order, price: number, time: number): void {
    this.linked = order.clientOrderId === undefined
    if (this.trails || this.plan.stopLoss) {
      this.trailFrom = this.watchFrom = firstBarFrom(ctx, this.symbol, time)
      // The first bar opened after the fill (times are whole ms): a fill at a bar's open is
      // inside that bar, and stops work from the next.
      this.stopFrom = firstBarFrom(ctx, this.symbol, time + 1)
    }
    this.protect(ctx, price)
  }

  /** Places the stop and take-profit orders for the position the entry just opened. */
  private protect(ctx: StrategyContext, price: number): void {
    const position = ctx.position(this.symbol)
    if (position === 0) return
    const side = position > 0 ? 1 : -1
    const {stopLoss, takeProfit, trailingStop} = this.plan
    this.side = side
    this.best = price
    this.stopHit = false
    let level = stopLoss ? price - side * this.distance(stopLoss, price) : NaN
    if (trailingStop) {
      this.trailAtr = trailingStop.kind === 'atr' ? this.distance(trailingStop, price) : NaN
      const trail = price - side * this.trailDistance(price)
      if (!(level === level) || (side > 0 ? trail > level : trail < level)) level = trail
    }
    this.stopLevel = NaN
    if (level === level) this.placeStop(ctx, level)
    if (takeProfit) {
      const limitPrice = price + side * this.distance(takeProfit, price)
      const ocoWith = this.linked && isOpen(this.stopOrder) ? this.stopOrder!.id : undefined
      this.targetOrder = ctx.submitOrder({symbol: this.symbol, side: side > 0 ? 'sell' : 'buy', quantity: Math.abs(position), type: 'limit', limitPrice, tag: 'take_profit', ocoWith})
      if (this.unsupported(this.targetOrder)) this.targetOrder = ctx.submitOrder({symbol: this.symbol, side: side > 0 ? 'sell' : 'buy', quantity: Math.abs(position), type: 'limit', limitPrice, tag: 'take_profit'})
    }
  }

  private trailDistance(best: number): number {
    const t = this.plan.trailingStop!
    return t.kind === 'atr' ? this.trailAtr : (best * t.distance) / 100
  }

  /**
   * Follows the best price since entry — the highest high (long) or lowest low (short) of every bar
   * from the entry's fill on, each bar of an iteration that covers several (sleeptime longer than
   * the timeframe), not only its newest one; the stop only ever tightens.
   */
  private trail(ctx: StrategyContext): void {
    const side = this.side
    const symbol = this.symbol
    const n = ctx.barCount(symbol)
    let best = this.best
    // A bar with no price of this symbol reads NaN, which neither comparison takes.
    for (let ago = n - 1 - this.trailFrom; ago >= 0; ago--) {
      const extreme = side > 0 ? ctx.high(symbol, ago) : ctx.low(symbol, ago)
      if (side > 0 ? extreme > best : extreme < best) best = extreme
    }
    if (n > this.trailFrom) this.trailFrom = n
    this.best = best
    const level = this.best - side * this.trailDistance(this.best)
    if (!(level === level) || !(side > 0 ? level > this.stopLevel || this.stopLevel !== this.stopLevel : level < this.stopLevel || this.stopLevel !== this.stopLevel)) return
    if (isOpen(this.stopOrder) && this.linked) {
      // Replaced, not canceled: canceling one leg of the OCO pair would cancel the take-profit.
      const previous = this.stopLevel
      this.stopLevel = level
      const replaced = ctx.replaceOrder(this.stopOrder!.id, {quantity: Math.abs(ctx.position(this.symbol)), stopPrice: level})
      if (replaced !== undefined && !this.unsupported(replaced)) {
        if (replaced.status !== 'rejected') {
          this.stopOrder = replaced
          return
        }
        // Refused for another reason (a price off the tick grid…): the old stop and its take-profit
        // partner stay as they are, and the next bar tries again. Falling through would cancel the pair.
        this.stopLevel = previous
        ctx.log.warn(`${this.symbol}: trailing stop not moved to ${level}: ${replaced.reason ?? 'refused'}`)
        return
      }
    }
    if (isOpen(this.stopOrder)) ctx.cancelOrder(this.stopOrder!.id)
    this.placeStop(ctx, level)
  }

  private placeStop(ctx: StrategyContext, level: number): void {
    const quantity = Math.abs(ctx.position(this.symbol))
    this.stopLevel = level
    if (this.watched) return
    const ocoWith = this.linked && isOpen(this.targetOrder) ? this.targetOrder!.id : undefined
    this.stopOrder = ctx.submitOrder({symbol: this.symbol, side: this.side > 0 ? 'sell' : 'buy', quantity, type: 'stop', stopPrice: level, tag: 'stop', ocoWith})
    if (this.unsupported(this.stopOrder)) this.stopOrder = ctx.submitOrder({symbol: this.symbol, side: this.side > 0 ? 'sell' : 'buy', quantity, type: 'stop', stopPrice: level, tag: 'stop'})
    if (this.stopOrder?.status === 'rejected' && this.stopOrder.reason?.startsWith(NO_STOP_ORDERS)) {
      this.stopOrder = undefined
      this.watched = true
      ctx.log.info(`${this.symbol}: the broker has no stop orders; the stop at ${level} is watched on each bar and closes at market`)
    }
  }

  /** Whether a stop the broker refused is watched here now (a position is held under it). */
  get watching(): boolean {
    return this.watched && this.side !== 0
  }

  /**
   * Closes the position at market for the watched stop (tagged as the stop order it stands for; a
   * plain close would read as the exit condition's), the take-profit canceled. `side` stays until
   * the position is flat: an exit that ends with units left (refused, expired, a take-profit part
   * filled meanwhile) is followed by another at the next look, never by an unwatched position.
   */
  private exitAtStop(ctx: StrategyContext, side: number): void {
    if (isOpen(this.targetOrder)) ctx.cancelOrder(this.targetOrder!.id)
    this.targetOrder = undefined
    const quantity = Math.abs(ctx.position(this.symbol))
    this.exitOrder = ctx.submitOrder({symbol: this.symbol, side: side > 0 ? 'sell' : 'buy', quantity, tag: 'stop'})
  }

  /**
   * The watched stop (`watched`): each bar since the last look, in order, from the one after the
   * entry's fill, is checked against the level as it stood before that bar; a trailing stop then
   * moves by the bar's best price (the fill's own bar counts for that), for the bars after it, as
   * the broker's trailing stops do. True when a bar reached it (`exitAtStop` then closes at
   * market, so the exit fills at the next price, not at the level).
   */
  private watchStop(ctx: StrategyContext): boolean {
    const side = this.side
    const symbol = this.symbol
    const n = ctx.barCount(symbol)
    const t = this.plan.trailingStop
    for (let ago = n - 1 - this.watchFrom; ago >= 0; ago--) {
      const level = this.stopLevel
      const worst = side > 0 ? ctx.low(symbol, ago) : ctx.high(symbol, ago)
      if (n - 1 - ago >= this.stopFrom && (side > 0 ? worst <= level : worst >= level)) {
        this.watchFrom = n
        this.stopHit = true
        ctx.log.info(`${symbol}: stop ${level} reached (bar ${side > 0 ? 'low' : 'high'} ${worst}); closing at market`)
        return true
      }
      if (t === undefined) continue
      const extreme = side > 0 ? ctx.high(symbol, ago) : ctx.low(symbol, ago)
      if (side > 0 ? extreme > this.best : extreme < this.best) {
        this.best = extreme
        const moved = extreme - side * this.trailDistance(extreme)
        if (side > 0 ? moved > level : moved < level) this.stopLevel = moved
      }
    }
    if (n > this.watchFrom) this.watchFrom = n
    return false
  }

  /** A broker that takes no OCO pairs or replacements refused `order` for that (a bot warmed up on paper, now on an exchange): pair the legs here from now on. */
  private unsupported(order: Order | undefined): boolean {
    if (order?.status !== 'rejected' || !order.reason?.startsWith('this broker does not support OCO')) return false
    this.linked = false
    return true
  }

  private cancelProtection(ctx: StrategyContext): void {
    if (isOpen(this.stopOrder)) ctx.cancelOrder(this.stopOrder!.id)
    if (isOpen(this.targetOrder)) ctx.cancelOrder(this.targetOrder!.id)
    this.stopOrder = this.targetOrder = undefined
    this.side = 0
  }
}
