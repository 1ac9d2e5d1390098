/**
 * Fills as columns in typed arrays, no object per fill: the engine's broker keeps a run's fills
 * here (a 1M-bar run may make hundreds of thousands), and a sweep's vector runs reuse one log from
 * run to run. `fillObjects` gives the Fill objects, key order included, for whoever needs them.
 */
import type {Fill} from './orders.js'
import {doubled} from './doubled.js'

export class FillLog {
  count = 0
  orderId = new Float64Array(64)
  /** +1 buy, -1 sell. */
  side = new Int8Array(64)
  quantity = new Float64Array(64)
  price = new Float64Array(64)
  commission = new Float64Array(64)
  time = new Float64Array(64)
  /** The bar each fill happened on (its time is that bar's open, or the clock's for a fill at a close). */
  bar = new Int32Array(64)
  /** Index of the fill's symbol in the run's symbol list. */
  symbol = new Int32Array(64)
  /** An exchange's trade id and sequence number, by fill index, for the fills that have them (Fill.tradeId). */
  readonly exchange = new Map<number, {tradeId: string; tradeSeq: number}>()

  push(orderId: number, side: number, quantity: number, price: number, commission: number, time: number, bar: number, symbol = 0): void {
    if (this.count === this.time.length) this.grow()
    const k = this.count++
    this.orderId[k] = orderId
    this.side[k] = side
    this.quantity[k] = quantity
    this.price[k] = price
    this.commission[k] = commission
    this.time[k] = time
    this.bar[k] = bar
    this.symbol[k] = symbol
  }

  /** Forget every fill (a reused log starts again). */
  clear(): void {
    this.count = 0
    this.exchange.clear()
  }

  private grow(): void {
    this.orderId = doubled(this.orderId)
    this.side = doubled(this.side)
    this.quantity = doubled(this.quantity)
    this.price = doubled(this.price)
    this.commission = doubled(this.commission)
    this.time = doubled(this.time)
    this.bar = doubled(this.bar)
    this.symbol = doubled(this.symbol)
  }
}

/** Fill `k` of the log as the broker's Fill object; `symbols` names the symbol indices. */
export function fillAt(log: FillLog, symbols: readonly string[], k: number): Fill {
  const fill: Fill = {orderId: log.orderId[k], symbol: symbols[log.symbol[k]], side: log.side[k] > 0 ? 'buy' : 'sell', quantity: log.quantity[k], price: log.price[k], commission: log.commission[k], time: log.time[k]}
  const exchange = log.exchange.size === 0 ? undefined : log.exchange.get(k)
  return exchange === undefined ? fill : {...fill, tradeId: exchange.tradeId, tradeSeq: exchange.tradeSeq}
}

/**
 * A run's fills read by index, from Fill objects or from a log alike: the figures over fills
 * (metrics/activity.ts, report/exposure.ts) are one loop over these, so every layout gives the
 * same doubles.
 */
export interface FillFields {
  count: number
  time(j: number): number
  symbol(j: number): string
  /** + for a buy, − for a sell. */
  signedQuantity(j: number): number
  price(j: number): number
  quantity(j: number): number
  commission(j: number): number
}

export function objectFillFields(fills: readonly Fill[]): FillFields {
  return {
    count: fills.length,
    time: (j) => fills[j].time,
    symbol: (j) => fills[j].symbol,
    signedQuantity: (j) => (fills[j].side === 'buy' ? fills[j].quantity : -fills[j].quantity),
    price: (j) => fills[j].price,
    quantity: (j) => fills[j].quantity,
    commission: (j) => fills[j].commission,
  }
}

/** `symbols` names the log's symbol indices. */
export function logFillFields(log: FillLog, symbols: readonly string[]): FillFields {
  return {
    count: log.count,
    time: (j) => log.time[j],
    symbol: (j) => symbols[log.symbol[j]],
    signedQuantity: (j) => (log.side[j] > 0 ? log.quantity[j] : -log.quantity[j]),
    price: (j) => log.price[j],
    quantity: (j) => log.quantity[j],
    commission: (j) => log.commission[j],
  }
}

/** The log's fills as the broker's Fill objects. */
export function fillObjects(log: FillLog, symbols: readonly string[]): Fill[] {
  const out: Fill[] = new Array(log.count)
  for (let k = 0; k < log.count; k++) out[k] = fillAt(log, symbols, k)
  return out
}
