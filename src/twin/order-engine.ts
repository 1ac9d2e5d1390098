/**
 * Orders, fills and balances of the twin's one account.
 *
 * Acceptance follows Binance spot (filters, then balance, in that order; the lock is taken when the
 * order is accepted). Matching follows the backtest broker's conventions, reusing its fill rules
 * (src/broker/fill-rules.ts `fillPrice`): an order is never filled on the bar that was the latest
 * when it was placed; a market order fills at the next released bar's open; a limit order fills
 * when a later bar trades through it (at the open when the bar gaps through, else at the limit).
 * A fill is stamped with the open time of the bar it happened on, as the backtest broker stamps it.
 */
import {fillPrice} from '../broker/fill-rules.js'
import type {SimOrder} from '../broker/sim-order.js'
import type {Account} from './account.js'
import * as E from './binance-errors.js'
import type {Bar} from './market-data.js'
import {floorToGrid, onGrid, r8} from './numbers.js'
import type {SymbolRules} from './options.js'
import type {TwinSymbol} from './symbols.js'

export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED'

export interface TwinOrder {
  orderId: number
  symbol: string
  clientOrderId: string
  side: 'BUY' | 'SELL'
  type: 'MARKET' | 'LIMIT'
  timeInForce: 'GTC'
  /** Limit price; 0 for a market order. */
  price: number
  /** Quantity; for a market buy by quoteOrderQty, 0 until it fills. */
  origQty: number
  quoteOrderQty: number
  executedQty: number
  /** Binance's `cummulativeQuoteQty`. */
  quoteQty: number
  commission: number
  status: OrderStatus
  time: number
  updateTime: number
  /** The latest released bar when it was placed: it never fills on that bar. */
  signalBar: number
  /** What is still locked for it, in the quote asset (buys) or the base asset (sells). */
  locked: number
}

export interface TwinTrade {
  id: number
  orderId: number
  symbol: string
  price: number
  qty: number
  quoteQty: number
  commission: number
  commissionAsset: string
  time: number
  isBuyer: boolean
  isMaker: boolean
}

export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED'

export interface Execution {
  type: ExecutionType
  /** The order as it was right after this execution. */
  order: TwinOrder
  trade?: TwinTrade
  time: number
}

export interface EngineListener {
  execution(e: Execution): void
  /** Balances of these assets changed at `time`. */
  balances(assets: string[], time: number): void
}

export interface PlaceRequest {
  symbol?: string
  side?: string
  type?: string
  timeInForce?: string
  quantity?: number
  quoteOrderQty?: number
  price?: number
  newClientOrderId?: string
}

export interface OrderRef {
  orderId?: number
  origClientOrderId?: string
}

export interface EngineContext {
  symbols: TwinSymbol[]
  rules: Map<string, SymbolRules>
  commissionRate: number
  partialFills: number
  /** The filter exchangeInfo names for minNotional, so the failure text matches it. */
  notionalFilter: string
  /** Index of the latest released bar (-1: none yet). */
  released(): number
  /** Close of symbol s's latest released bar, if any. */
  lastClose(s: number): number | undefined
  now(): number
}

export class OrderEngine {
  /** Every order ever accepted, in order. */
  readonly orders: TwinOrder[] = []
  readonly trades: TwinTrade[] = []
  private readonly open: TwinOrder[] = []
  private nextOrderId = 1
  private nextTradeId = 1

  constructor(private readonly c: EngineContext, private readonly account: Account, private readonly listener: EngineListener) {}

  symbolOf(id: string | undefined): {index: number; sym: TwinSymbol; rules: SymbolRules} {
    if (id === undefined) throw E.missingParam('symbol')
    const index = this.c.symbols.findIndex((s) => s.id === id)
    if (index < 0) throw E.badSymbol()
    return {index, sym: this.c.symbols[index], rules: this.c.rules.get(id)!}
  }

  place(req: PlaceRequest): TwinOrder {
    const {index, sym, rules} = this.symbolOf(req.symbol)
    if (req.side !== 'BUY' && req.side !== 'SELL') throw E.missingParam('side')
    if (req.type !== 'MARKET' && req.type !== 'LIMIT') throw E.unsupported('MARKET and LIMIT orders')
    const limit = req.type === 'LIMIT'
    for (const [name, v] of [['quantity', req.quantity], ['quoteOrderQty', req.quoteOrderQty], ['price', req.price]] as const) {
      if (Number.isNaN(v)) throw E.badParam(name)
    }
    if (limit) {
      if (req.timeInForce === undefined) throw E.missingParam('timeInForce')
      if (req.timeInForce !== 'GTC') throw E.unsupported('timeInForce GTC')
      if (req.price === undefined) throw E.missingParam('price')
      if (req.quantity === undefined) throw E.missingParam('quantity')
    } else if (req.quantity === undefined && req.quoteOrderQty === undefined) throw E.missingParam('quantity')
    if (req.quoteOrderQty !== undefined && (limit || req.side === 'SELL' || req.quantity !== undefined)) throw E.unsupported('quoteOrderQty on market buys only')
    if (req.newClientOrderId !== undefined && this.orders.some((o) => o.symbol === sym.id && o.clientOrderId === req.newClientOrderId)) {
      throw E.duplicateOrder()
    }
    const last = this.c.lastClose(index)
    if (!limit && last === undefined) throw E.marketClosed()
    const price = limit ? req.price! : last!
    if (limit && (!(price > 0) || !onGrid(price, rules.tickSize))) throw E.filterFailure('PRICE_FILTER')
    const qty = req.quantity ?? 0
    if (req.quantity !== undefined && (qty < rules.minQty - 1e-12 || !onGrid(qty, rules.stepSize))) throw E.filterFailure('LOT_SIZE')
    const notional = req.quoteOrderQty ?? price * qty
    if (notional + 1e-9 < rules.minNotional) throw E.filterFailure(this.c.notionalFilter)
    const buy = req.side === 'BUY'
    const lock = buy ? r8(req.quoteOrderQty ?? notional * (1 + this.c.commissionRate)) : qty
    this.account.lock(buy ? sym.quote : sym.base, lock)
    const now = this.c.now()
    const order: TwinOrder = {
      orderId: this.nextOrderId++, symbol: sym.id, clientOrderId: req.newClientOrderId ?? `twin-${this.nextOrderId - 1}`,
      side: req.side, type: req.type, timeInForce: 'GTC', price: limit ? price : 0, origQty: qty,
      quoteOrderQty: req.quoteOrderQty ?? 0, executedQty: 0, quoteQty: 0, commission: 0, status: 'NEW',
      time: now, updateTime: now, signalBar: this.c.released(), locked: lock,
    }
    this.orders.push(order)
    this.open.push(order)
    this.emit('NEW', order, now)
    this.listener.balances([buy ? sym.quote : sym.base], now)
    return order
  }

  find(symbol: string | undefined, ref: OrderRef): TwinOrder {
    const {sym} = this.symbolOf(symbol)
    if (ref.orderId === undefined && ref.origClientOrderId === undefined) throw E.missingParam('orderId')
    const o = this.orders.find((x) => x.symbol === sym.id && (ref.orderId !== undefined ? x.orderId === ref.orderId : x.clientOrderId === ref.origClientOrderId))
    if (!o) throw E.orderNotFound()
    return o
  }

  cancel(symbol: string | undefined, ref: OrderRef): TwinOrder {
    let o: TwinOrder
    try {
      o = this.find(symbol, ref)
    } catch (e) {
      throw e instanceof E.BinanceError && e.code === -2013 ? E.unknownOrder() : e
    }
    if (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED') throw E.unknownOrder()
    this.finish(o, 'CANCELED')
    return o
  }

  openOrders(symbol?: string): TwinOrder[] {
    return this.open.filter((o) => symbol === undefined || o.symbol === symbol)
  }

  /** Bar k has been released: fill what it trades through, in order of acceptance. */
  match(k: number, bars: (Bar | undefined)[], time: number): void {
    for (const o of [...this.open]) {
      const s = this.c.symbols.findIndex((x) => x.id === o.symbol)
      const bar = bars[s]
      if (!bar || o.signalBar >= k) continue
      const p = fillPrice(ruleView(o), bar.open, bar.high, bar.low)
      if (Number.isFinite(p)) this.execute(o, s, p, time)
    }
  }

  private execute(o: TwinOrder, s: number, price: number, time: number): void {
    const sym = this.c.symbols[s]
    const rules = this.c.rules.get(sym.id)!
    const rate = this.c.commissionRate
    const buy = o.side === 'BUY'
    if (o.quoteOrderQty > 0 && o.origQty === 0) o.origQty = floorToGrid(o.quoteOrderQty / (price * (1 + rate)), rules.stepSize)
    const remaining = r8(o.origQty - o.executedQty)
    if (remaining < rules.minQty - 1e-12) return this.finish(o, 'EXPIRED')
    if (buy) {
      const need = r8(price * remaining * (1 + rate))
      if (need > this.account.available(sym.quote) + o.locked + 1e-9) return this.finish(o, 'EXPIRED')
    }
    const isMaker = o.type === 'LIMIT' && price === o.price
    for (const q of splitQuantity(remaining, this.c.partialFills, rules.stepSize)) {
      const quoteQty = r8(price * q)
      const commission = r8(quoteQty * rate)
      if (buy) {
        o.locked = r8(o.locked - this.account.spend(sym.quote, r8(quoteQty + commission), o.locked))
        this.account.credit(sym.base, q)
      } else {
        o.locked = r8(o.locked - this.account.spend(sym.base, q, o.locked))
        this.account.credit(sym.quote, r8(quoteQty - commission))
      }
      o.executedQty = r8(o.executedQty + q)
      o.quoteQty = r8(o.quoteQty + quoteQty)
      o.commission = r8(o.commission + commission)
      o.status = o.executedQty >= o.origQty - 1e-12 ? 'FILLED' : 'PARTIALLY_FILLED'
      o.updateTime = time
      const trade: TwinTrade = {
        id: this.nextTradeId++, orderId: o.orderId, symbol: sym.id, price, qty: q, quoteQty, commission,
        commissionAsset: sym.quote, time, isBuyer: buy, isMaker,
      }
      this.trades.push(trade)
      if (o.status === 'FILLED') this.close(o)
      this.emit('TRADE', o, time, trade)
      this.listener.balances([sym.base, sym.quote], time)
    }
  }

  private finish(o: TwinOrder, status: 'CANCELED' | 'EXPIRED'): void {
    const now = this.c.now()
    o.status = status
    o.updateTime = now
    this.close(o)
    this.emit(status, o, now)
    const sym = this.symbolOf(o.symbol).sym
    this.listener.balances([o.side === 'BUY' ? sym.quote : sym.base], now)
  }

  /** Off the book: what is still locked goes back to free. */
  private close(o: TwinOrder): void {
    const i = this.open.indexOf(o)
    if (i >= 0) this.open.splice(i, 1)
    if (o.locked > 0) {
      const sym = this.symbolOf(o.symbol).sym
      this.account.unlock(o.side === 'BUY' ? sym.quote : sym.base, o.locked)
      o.locked = 0
    }
  }

  private emit(type: ExecutionType, o: TwinOrder, time: number, trade?: TwinTrade): void {
    this.listener.execution({type, order: {...o}, trade, time})
  }
}

/** The fields `fillPrice` reads, in the backtest broker's vocabulary. */
function ruleView(o: TwinOrder): SimOrder {
  const view: Pick<SimOrder, 'side' | 'type' | 'limitPrice' | 'stopPrice' | 'triggered'> = {
    side: o.side === 'BUY' ? 'buy' : 'sell',
    type: o.type === 'LIMIT' ? 'limit' : 'market',
    limitPrice: o.type === 'LIMIT' ? o.price : undefined,
    stopPrice: undefined,
    triggered: false,
  }
  return view as SimOrder
}

/** `qty` in `parts` executions on the step grid, summing exactly to it (fewer parts when too small to split). */
export function splitQuantity(qty: number, parts: number, step: number): number[] {
  const each = floorToGrid(qty / parts, step)
  if (parts <= 1 || each <= 0) return [qty]
  const out = Array.from({length: parts - 1}, () => each)
  out.push(r8(qty - each * (parts - 1)))
  return out
}
