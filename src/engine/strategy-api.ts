import type {MarketCalendar} from '../calendar/calendar.js'
import type {Clock} from '../core/clock.js'
import {parseDuration} from '../core/duration.js'
import {BotsError} from '../core/errors.js'
import type {BrokerPort, PriceSource} from '../broker/broker-port.js'
import type {BarHistory} from '../model/bars.js'
import {BAR_COLUMNS, type BarColumns, type Logger, type StrategyContext} from '../model/strategy.js'
import type {Bracket, BracketExits, Order, OrderChanges, OrderRequest, Side} from '../model/orders.js'

type Field = 'open' | 'high' | 'low' | 'close' | 'volume' | 'time'

/**
 * What a read with no bar returns. A constant, not the global `NaN` at the return: V8 compiles a
 * `return NaN` that has never run as a generic global load, and then every read's double is boxed
 * on the heap (one allocation per call in the strategy's hot loop).
 */
const NO_BAR = NaN

/**
 * The strategy's view of a run: the same class serves the Backtest, Daily and Live runners, so it
 * only reads a clock, bars with a cursor and a broker port. Price reads are O(1) and allocate
 * nothing; `symbol` defaults to the run's first symbol; an unknown symbol is a strategy bug and
 * throws. Bars are on the run's shared time index: a symbol with no bar at some time reads NaN.
 */
export class StrategyApi implements StrategyContext {
  readonly state: Record<string, unknown>
  /** What the strategy last asked for; the runner sanitises it (≤ 0 or NaN: as soon as possible). */
  sleeptimeMs: number
  private readonly index = new Map<string, number>()
  private readonly first: string
  private historyCache: BarHistory | undefined
  private historyKey = -1
  /** The market's calendar; the runners set it (see StrategyContext.calendar). */
  calendar: MarketCalendar | undefined = undefined

  constructor(
    private readonly clock: Clock,
    private readonly market: PriceSource,
    private readonly broker: BrokerPort,
    readonly log: Logger,
    sleeptimeMs: number,
    /** A live bot resumes with the state it saved; a backtest starts empty. */
    state: Record<string, unknown> = {},
    /** The market's time zone (from its calendar). */
    readonly timezone: string = 'UTC',
  ) {
    this.sleeptimeMs = sleeptimeMs
    this.state = state
    market.symbols.forEach((s, k) => this.index.set(s, k))
    this.first = market.symbols[0]
  }

  get now(): number {
    return this.clock.now()
  }
  get symbols(): readonly string[] {
    return this.market.symbols
  }

  barCount(_symbol?: string): number {
    if (_symbol !== undefined) this.k(_symbol)
    return this.market.cursor + 1
  }
  open(symbol?: string, ago = 0): number {
    return this.read('open', symbol, ago)
  }
  high(symbol?: string, ago = 0): number {
    return this.read('high', symbol, ago)
  }
  low(symbol?: string, ago = 0): number {
    return this.read('low', symbol, ago)
  }
  close(symbol?: string, ago = 0): number {
    // Spelled out (not via `read`): the one accessor nearly every strategy calls every bar.
    const m = this.market
    const i = m.cursor - ago
    if (!(i >= 0 && i <= m.cursor) || (i | 0) !== i) return NO_BAR
    return m.series[this.k(symbol)].close[i]
  }
  volume(symbol?: string, ago = 0): number {
    return this.read('volume', symbol, ago)
  }
  /** For the built-in rules runtime only (see BAR_COLUMNS): the symbol's columns, read up to barCount(). */
  [BAR_COLUMNS](symbol: string): BarColumns {
    return this.market.series[this.k(symbol)]
  }
  time(symbol?: string, ago = 0): number {
    return this.read('time', symbol, ago)
  }

  history(symbol?: string): BarHistory {
    const k = this.k(symbol)
    const n = this.market.cursor + 1
    const key = n * this.market.symbols.length + k
    if (this.historyCache !== undefined && this.historyKey === key) return this.historyCache
    const b = this.market.series[k]
    this.historyKey = key
    return (this.historyCache = {
      length: n,
      time: b.time.subarray(0, n),
      open: b.open.subarray(0, n),
      high: b.high.subarray(0, n),
      low: b.low.subarray(0, n),
      close: b.close.subarray(0, n),
      volume: b.volume.subarray(0, n),
    })
  }

  position(symbol?: string): number {
    return this.broker.position(this.k(symbol))
  }
  averagePrice(symbol?: string): number {
    return this.broker.averagePrice(this.k(symbol))
  }
  multiplier(symbol?: string): number {
    return this.broker.multiplier(this.k(symbol))
  }
  lotSize(symbol?: string): number {
    return this.broker.lotSize?.(this.k(symbol)) ?? 0
  }
  get cash(): number {
    return this.broker.cash
  }
  get portfolioValue(): number {
    return this.broker.portfolioValue()
  }
  openOrders(symbol?: string): readonly Order[] {
    return this.broker.openOrders(symbol === undefined ? -1 : this.k(symbol))
  }

  submitOrder(request: OrderRequest): Order {
    return this.broker.submit(request, this.k(request.symbol))
  }
  buy(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order {
    return this.submitOrder(withSide('buy', quantity, request))
  }
  sell(quantity: number, request?: Omit<OrderRequest, 'side' | 'quantity'>): Order {
    return this.submitOrder(withSide('sell', quantity, request))
  }
  closePosition(symbol?: string): Order | undefined {
    const q = this.broker.position(this.k(symbol))
    if (q === 0) return undefined
    return this.submitOrder({symbol, side: q > 0 ? 'sell' : 'buy', quantity: Math.abs(q), tag: 'close'})
  }
  cancelOrder(orderId: number): boolean {
    return this.broker.cancel(orderId)
  }
  submitOco(a: OrderRequest, b: OrderRequest): [Order, Order] {
    const first = this.submitOrder(a)
    // A rejected first leg: the second is refused with it (it has no working partner).
    const second = this.submitOrder({...b, ocoWith: first.id})
    // A refused second leg: the first does not work alone either.
    if (second.status === 'rejected' && first.status === 'open') this.broker.cancel(first.id)
    return [first, second]
  }
  submitBracket(entry: OrderRequest, exits: BracketExits): Bracket {
    const bad = bracketProblem(entry, exits)
    const parent = this.submitOrder(bad === undefined ? entry : {...entry, quantity: NaN})
    if (bad !== undefined) (parent as {reason?: string}).reason = bad
    const side: Side = entry.side === 'buy' ? 'sell' : 'buy'
    const base = {symbol: entry.symbol, side, quantity: entry.quantity, timeInForce: 'gtc' as const, parentId: parent.id}
    const trails = exits.trailAmount !== undefined || exits.trailPercent !== undefined
    const stopLoss = exits.stopLoss !== undefined || trails
      ? this.submitOrder({...base, type: 'stop', stopPrice: exits.stopLoss, trailAmount: exits.trailAmount, trailPercent: exits.trailPercent, tag: exits.stopTag ?? 'stop_loss'})
      : undefined
    const takeProfit = exits.takeProfit !== undefined
      ? this.submitOrder({...base, type: 'limit', limitPrice: exits.takeProfit, tag: exits.targetTag ?? 'take_profit', ...(stopLoss === undefined ? {} : {ocoWith: stopLoss.id})})
      : undefined
    return {entry: parent, ...(stopLoss === undefined ? {} : {stopLoss}), ...(takeProfit === undefined ? {} : {takeProfit})}
  }
  replaceOrder(orderId: number, changes: OrderChanges): Order | undefined {
    let old: Order | undefined
    for (const o of this.broker.openOrders(-1)) if (o.id === orderId) old = o
    if (old === undefined) return undefined
    return this.broker.submit({
      symbol: old.symbol, side: old.side, quantity: changes.quantity ?? old.quantity - (old.filledQuantity ?? 0), type: old.type,
      limitPrice: changes.limitPrice ?? old.limitPrice, stopPrice: changes.stopPrice ?? old.stopPrice, timeInForce: old.timeInForce, tag: old.tag,
      trailAmount: old.trailAmount, trailPercent: old.trailPercent, replaces: old.id,
    }, this.k(old.symbol))
  }

  setSleeptime(sleeptime: string | number): void {
    if (typeof sleeptime === 'string') this.sleeptimeMs = parseDuration(sleeptime)
    else if (typeof sleeptime === 'number') this.sleeptimeMs = Number.isNaN(sleeptime) ? 0 : sleeptime
    else throw new BotsError(`setSleeptime takes a duration string or milliseconds, got ${typeof sleeptime}`, {code: 'strategy.sleeptime'})
  }

  private read(field: Field, symbol: string | undefined, ago: number): number {
    const i = this.market.cursor - ago
    // `ago` outside [0, cursor] (negative would peek at the future) or fractional reads NaN.
    if (!(i >= 0 && i <= this.market.cursor) || (i | 0) !== i) return NO_BAR
    return this.market.series[this.k(symbol)][field][i]
  }

  /**
   * The symbol's index. The common case only: V8 inlines a bounded amount of code into one
   * function, and every accessor inlined into a strategy's loop brings this along; what a small
   * `k` leaves of that budget lets the strategy's indicators inline there too.
   */
  private k(symbol: string | undefined): number {
    return symbol === undefined || symbol === this.first ? 0 : this.lookUp(symbol)
  }

  private lookUp(symbol: string): number {
    const k = this.index.get(symbol)
    if (k === undefined) {
      throw new BotsError(`unknown symbol "${symbol}"`, {code: 'strategy.symbol', hint: `this run trades ${this.market.symbols.join(', ')}`})
    }
    return k
  }
}

/** One object shape for every request (an object spread here was the slowest line of a run). */
function withSide(side: Side, quantity: number, r: Omit<OrderRequest, 'side' | 'quantity'> | undefined): OrderRequest {
  if (r === undefined) {
    return {symbol: undefined, side, quantity, type: undefined, limitPrice: undefined, stopPrice: undefined, timeInForce: undefined, tag: undefined,
      trailAmount: undefined, trailPercent: undefined, ocoWith: undefined, parentId: undefined, replaces: undefined}
  }
  return {symbol: r.symbol, side, quantity, type: r.type, limitPrice: r.limitPrice, stopPrice: r.stopPrice, timeInForce: r.timeInForce, tag: r.tag,
    trailAmount: r.trailAmount, trailPercent: r.trailPercent, ocoWith: r.ocoWith, parentId: r.parentId, replaces: r.replaces}
}

/** A bracket whose exits are on the wrong sides of each other, or undefined. */
function bracketProblem(entry: OrderRequest, x: BracketExits): string | undefined {
  if (x.stopLoss === undefined && x.takeProfit === undefined && x.trailAmount === undefined && x.trailPercent === undefined) {
    return 'a bracket needs a stopLoss, a trailing stop (trailAmount or trailPercent) or a takeProfit'
  }
  if (x.stopLoss !== undefined && x.takeProfit !== undefined && (entry.side === 'buy' ? x.stopLoss >= x.takeProfit : x.stopLoss <= x.takeProfit)) {
    return `a ${entry.side} bracket's stopLoss (${x.stopLoss}) must be ${entry.side === 'buy' ? 'below' : 'above'} its takeProfit (${x.takeProfit})`
  }
  return undefined
}
