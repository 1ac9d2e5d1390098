/**
 * A vector run's fills and trades as columns in typed arrays, reused from run to run: no object
 * per fill or trade (a million-bar sma-cross run has 25,000 fills), and the trades cross to the
 * main thread as they are. `fillObjects` and `tradeObjects` give the broker's and the ledger's
 * objects, key order included.
 */
import type {Fill} from '../../model/orders.js'
import type {Trade} from '../../model/trade.js'
import {TRADE_FIELDS, unpackTrades} from '../../model/packed-trades.js'

/** The fills of a run as columns (no object per fill); `fillObjects` gives the broker's Fill objects. */
export class FillLog {
  count = 0
  orderId = new Float64Array(64)
  /** +1 buy, -1 sell. */
  side = new Int8Array(64)
  quantity = new Float64Array(64)
  price = new Float64Array(64)
  commission = new Float64Array(64)
  time = new Float64Array(64)
  /** The bar each fill happened on (its time is that bar's open). */
  bar = new Int32Array(64)

  push(orderId: number, side: number, quantity: number, price: number, commission: number, time: number, bar: number): void {
    if (this.count === this.time.length) this.grow()
    const k = this.count++
    this.orderId[k] = orderId
    this.side[k] = side
    this.quantity[k] = quantity
    this.price[k] = price
    this.commission[k] = commission
    this.time[k] = time
    this.bar[k] = bar
  }

  private grow(): void {
    const size = this.time.length * 2
    const more = <T extends Float64Array | Int8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size)
      b.set(a)
      return b
    }
    this.orderId = more(this.orderId)
    this.side = more(this.side)
    this.quantity = more(this.quantity)
    this.price = more(this.price)
    this.commission = more(this.commission)
    this.time = more(this.time)
    this.bar = more(this.bar)
  }
}

export function fillObjects(log: FillLog, symbol: string): Fill[] {
  const out: Fill[] = []
  for (let k = 0; k < log.count; k++) {
    out.push({orderId: log.orderId[k], symbol, side: log.side[k] > 0 ? 'buy' : 'sell', quantity: log.quantity[k], price: log.price[k], commission: log.commission[k], time: log.time[k]})
  }
  return out
}

/** Trades in the layout of packed-trades.ts (TRADE_FIELDS doubles each). */
export class TradeLog {
  count = 0
  values = new Float64Array(64 * TRADE_FIELDS)

  /** `side`: 1 long, -1 short. */
  push(side: number, quantity: number, entryTime: number, entryPrice: number, exitTime: number, exitPrice: number, commission: number, grossPnl: number, netPnl: number): void {
    let v = this.values
    const o = this.count * TRADE_FIELDS
    if (o + TRADE_FIELDS > v.length) {
      const more = new Float64Array(v.length * 2)
      more.set(v)
      this.values = v = more
    }
    v[o] = side
    v[o + 1] = quantity
    v[o + 2] = entryTime
    v[o + 3] = entryPrice
    v[o + 4] = exitTime
    v[o + 5] = exitPrice
    v[o + 6] = commission
    v[o + 7] = grossPnl
    v[o + 8] = netPnl
    this.count++
  }

  /** A copy of the trades' doubles (the log itself is reused). */
  packed(): Float64Array {
    return this.values.slice(0, this.count * TRADE_FIELDS)
  }
}

export function tradeObjects(log: TradeLog, symbol: string): Trade[] {
  return unpackTrades({symbol, values: log.packed()})
}
