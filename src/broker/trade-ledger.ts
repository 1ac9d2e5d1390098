import type {Fill} from '../model/orders.js'
import type {Trade} from '../model/trade.js'
import {logMultipliers, TradeLog, tradeObjects} from '../model/trade-log.js'
import {closingUnits, netPosition} from './position-dust.js'

/** The running figures of a trade still open (for a live bot's saved state). */
export interface OpenTradeSlots {
  direction: 1 | -1
  quantity: number
  entryTime: number
  entryPrice: number
  exitQuantity: number
  exitPrice: number
  commission: number
  grossPnl: number
}

/**
 * Turns fills into round-trip trades, the way Backtrader's Trade objects count them: a trade opens
 * when a position leaves zero and closes when it returns to zero; a fill that reverses the
 * position closes one trade and opens the next with the remainder. The open trade of each symbol
 * lives in typed-array slots and the closed ones in a TradeLog's columns: no object per trade (a
 * run trading every bar or two closes hundreds of thousands, and kept as objects each took ~1 µs
 * to make and to hold through the collections; `trades` makes them when they are asked for).
 */
export class TradeLedger {
  /** The closed trades, in the order they closed (symbol indices as in the constructor's list). */
  readonly log = new TradeLog()
  /** Per symbol: units opened so far (0 = no open trade), +1 long / -1 short, and running figures. */
  private readonly quantity: Float64Array
  private readonly direction: Float64Array
  private readonly entryTime: Float64Array
  private readonly entryPrice: Float64Array
  private readonly exitQuantity: Float64Array
  private readonly exitPrice: Float64Array
  private readonly commission: Float64Array
  private readonly grossPnl: Float64Array

  /** `multipliers`: each symbol's contract multiplier, by index (the trades' returns need them); all 1 when left out. */
  constructor(private readonly symbols: readonly string[], multipliers?: Float64Array) {
    const symbolCount = symbols.length
    if (multipliers !== undefined) this.log.multipliers = logMultipliers(multipliers)
    this.quantity = new Float64Array(symbolCount)
    this.direction = new Float64Array(symbolCount)
    this.entryTime = new Float64Array(symbolCount)
    this.entryPrice = new Float64Array(symbolCount)
    this.exitQuantity = new Float64Array(symbolCount)
    this.exitPrice = new Float64Array(symbolCount)
    this.commission = new Float64Array(symbolCount)
    this.grossPnl = new Float64Array(symbolCount)
  }

  /** The closed trades as objects: made anew at each call, from `log`. */
  get trades(): Trade[] {
    return tradeObjects(this.log, this.symbols)
  }

  /** `before` is the signed position before the fill, `realized` the gross P&L it realised. */
  record(k: number, fill: Fill, before: number, realized: number): void {
    const q = fill.quantity
    const signed = fill.side === 'buy' ? q : -q
    const after = netPosition(before, signed)
    const closing = closingUnits(before, signed, after)
    const opening = after === 0 ? 0 : q - closing
    const closeCommission = opening === 0 ? fill.commission : (fill.commission * closing) / q
    if (closing > 0) {
      const done = this.exitQuantity[k]
      this.exitPrice[k] = done === 0 ? fill.price : (this.exitPrice[k] * done + fill.price * closing) / (done + closing)
      this.exitQuantity[k] = done + closing
      this.commission[k] += closeCommission
      this.grossPnl[k] += realized
      if (closing === Math.abs(before)) this.close(k, fill.time)
    }
    if (opening > 0) {
      const had = this.quantity[k]
      if (had === 0) {
        this.direction[k] = signed > 0 ? 1 : -1
        this.entryTime[k] = fill.time
        this.entryPrice[k] = fill.price
      } else {
        this.entryPrice[k] = (this.entryPrice[k] * had + fill.price * opening) / (had + opening)
      }
      this.quantity[k] = had + opening
      this.commission[k] += fill.commission - closeCommission
    }
  }

  /** The open trade of symbol `k`, or undefined when there is none. */
  openTrade(k: number): OpenTradeSlots | undefined {
    if (this.quantity[k] === 0) return undefined
    return {
      direction: this.direction[k] > 0 ? 1 : -1,
      quantity: this.quantity[k],
      entryTime: this.entryTime[k],
      entryPrice: this.entryPrice[k],
      exitQuantity: this.exitQuantity[k],
      exitPrice: this.exitPrice[k],
      commission: this.commission[k],
      grossPnl: this.grossPnl[k],
    }
  }

  /** Puts back an open trade saved by `openTrade` (a live bot resuming). */
  resumeTrade(k: number, t: OpenTradeSlots): void {
    this.direction[k] = t.direction
    this.quantity[k] = t.quantity
    this.entryTime[k] = t.entryTime
    this.entryPrice[k] = t.entryPrice
    this.exitQuantity[k] = t.exitQuantity
    this.exitPrice[k] = t.exitPrice
    this.commission[k] = t.commission
    this.grossPnl[k] = t.grossPnl
  }

  private close(k: number, time: number): void {
    const commission = this.commission[k]
    const gross = this.grossPnl[k]
    this.log.push(this.direction[k] > 0 ? 1 : -1, this.quantity[k], this.entryTime[k], this.entryPrice[k], time, this.exitPrice[k], commission, gross, gross - commission, k)
    this.quantity[k] = 0
    this.exitQuantity[k] = 0
    this.commission[k] = 0
    this.grossPnl[k] = 0
  }
}
