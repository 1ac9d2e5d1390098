import type {Fill} from '../strategy/context.js'

/** A round trip: from flat to flat (or to a reversal) in one symbol. */
export interface Trade {
  symbol: string
  side: 'long' | 'short'
  /** Units opened over the trade (all entry fills). */
  quantity: number
  entryTime: number
  /** Quantity-weighted average of the entry fills. */
  entryPrice: number
  exitTime: number
  /** Quantity-weighted average of the exit fills. */
  exitPrice: number
  /** Entry and exit commissions (a reversing fill's commission is split pro rata). */
  commission: number
  /** Realised P&L against the average entry price, before commissions. */
  grossPnl: number
  netPnl: number
}

interface OpenTrade {
  side: 'long' | 'short'
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
 * position closes one trade and opens the next with the remainder.
 */
export class TradeLedger {
  readonly trades: Trade[] = []
  private readonly open: (OpenTrade | undefined)[]

  constructor(symbolCount: number) {
    this.open = new Array<OpenTrade | undefined>(symbolCount).fill(undefined)
  }

  /** `before` is the signed position before the fill, `realized` the gross P&L it realised. */
  record(k: number, fill: Fill, before: number, realized: number): void {
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity
    const closing = before !== 0 && before > 0 !== signed > 0 ? Math.min(Math.abs(before), fill.quantity) : 0
    const opening = fill.quantity - closing
    const closeCommission = closing === fill.quantity ? fill.commission : (fill.commission * closing) / fill.quantity
    if (closing > 0) {
      const t = this.open[k]!
      t.exitPrice = t.exitQuantity === 0 ? fill.price : (t.exitPrice * t.exitQuantity + fill.price * closing) / (t.exitQuantity + closing)
      t.exitQuantity += closing
      t.commission += closeCommission
      t.grossPnl += realized
      if (closing === Math.abs(before)) {
        this.trades.push(finish(fill, t))
        this.open[k] = undefined
      }
    }
    if (opening > 0) {
      const t = (this.open[k] ??= {
        side: signed > 0 ? 'long' : 'short',
        quantity: 0,
        entryTime: fill.time,
        entryPrice: fill.price,
        exitQuantity: 0,
        exitPrice: NaN,
        commission: 0,
        grossPnl: 0,
      })
      t.entryPrice = t.quantity === 0 ? fill.price : (t.entryPrice * t.quantity + fill.price * opening) / (t.quantity + opening)
      t.quantity += opening
      t.commission += fill.commission - closeCommission
    }
  }
}

function finish(fill: Fill, t: OpenTrade): Trade {
  return {
    symbol: fill.symbol,
    side: t.side,
    quantity: t.quantity,
    entryTime: t.entryTime,
    entryPrice: t.entryPrice,
    exitTime: fill.time,
    exitPrice: t.exitPrice,
    commission: t.commission,
    grossPnl: t.grossPnl,
    netPnl: t.grossPnl - t.commission,
  }
}
