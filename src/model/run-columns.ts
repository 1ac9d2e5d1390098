/**
 * A finished run's fills, trades and orders as the broker kept them, in columns (fill-log.ts,
 * trade-log.ts, order-log.ts), beside the result whose `fills`, `trades` and `orders` are made from
 * them only when read. The metrics, the results store, the report and --json read the columns, so
 * a run that trades every few bars holds no object per fill, trade or order on the way to its
 * figures. Kept apart from the result (not a property of it): the result reads, clones and
 * serialises as it always has, and a result that crossed a thread, or was copied, simply has no
 * columns, and its readers use the objects. Once the objects are made (read, or set anew) they
 * are the truth: the columns no longer stand for them, so a change made to those arrays in place
 * is seen by every reader.
 */
import {fillObjects, logFillFields, objectFillFields, type FillFields, type FillLog} from './fill-log.js'
import type {Fill, Order} from './orders.js'
import {orderObjects, type OrderLog} from './order-log.js'
import type {Trade} from './trade.js'
import {tradeObjects, type TradeLog} from './trade-log.js'

interface RunColumns {
  /** The run's symbols: the logs' symbol indices index this list. */
  readonly symbols: readonly string[]
  /** Undefined once the result's `fills` (or `trades`) was set to something else. */
  fills?: FillLog
  trades?: TradeLog
  orders?: OrderLog
}

const attached = new WeakMap<object, RunColumns>()

/**
 * Makes `result`'s `fills` and `trades`, and `orders` when the run kept them (own properties
 * already, which keeps their place in the key order), accessors over the logs, and attaches the
 * logs as its columns. Here, not inside the engine: the accessors' closures then hold the logs and
 * nothing else of the run (the broker, the market view, the strategy), so a result kept does not
 * keep its simulation alive.
 */
export function attachRunColumns(result: {fills: Fill[]; trades: Trade[]; orders: Order[]}, symbols: readonly string[], fills: FillLog, trades: TradeLog, orders?: OrderLog): void {
  const columns: RunColumns = {symbols, fills, trades, orders}
  madeOnRead(result, 'fills', () => fillObjects(fills, symbols), () => (columns.fills = undefined))
  madeOnRead(result, 'trades', () => tradeObjects(trades, symbols), () => (columns.trades = undefined))
  if (orders) madeOnRead(result, 'orders', () => orderObjects(orders, symbols), () => (columns.orders = undefined))
  attached.set(result, columns)
}

/** `key` of `o` becomes `make()` when first read; read or set, `detach` is told (the objects are the truth from then on). */
function madeOnRead<K extends string, T>(o: Record<K, T>, key: K, make: () => T, detach: () => void): void {
  let value: T | undefined
  // Dropped once made or set: the objects alone are kept from then on, not the log as well.
  let maker: (() => T) | undefined = make
  Object.defineProperty(o, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      detach()
      if (maker !== undefined) {
        value = maker()
        maker = undefined
      }
      return value
    },
    set: (v: T) => {
      detach()
      value = v
      maker = undefined
    },
  })
}

/** The fills of `result` as columns, when it has them and its `fills` still are those. */
export function fillColumns(result: object): {log: FillLog; symbols: readonly string[]} | undefined {
  const c = attached.get(result)
  return c?.fills ? {log: c.fills, symbols: c.symbols} : undefined
}

/** The fills of `result` by index: from its columns when it has them (no Fill object made), else from its objects. */
export function fillFieldsOf(result: {fills: readonly Fill[]}): FillFields {
  const c = fillColumns(result)
  return c ? logFillFields(c.log, c.symbols) : objectFillFields(result.fills)
}

/** The trades of `result` as columns, when it has them and its `trades` still are those. */
export function tradeColumns(result: object): {log: TradeLog; symbols: readonly string[]} | undefined {
  const c = attached.get(result)
  return c?.trades ? {log: c.trades, symbols: c.symbols} : undefined
}

/** The orders of `result` as columns, when it has them and its `orders` still are those. */
export function orderColumns(result: object): {log: OrderLog; symbols: readonly string[]} | undefined {
  const c = attached.get(result)
  return c?.orders ? {log: c.orders, symbols: c.symbols} : undefined
}
