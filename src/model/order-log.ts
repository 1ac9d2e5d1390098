/**
 * A run's orders as columns in typed arrays, no object kept per order: a backtest that lists its
 * orders (`--json`) would otherwise hold every one of tens of thousands of order objects to the end,
 * each copied into the old generation on the way (~60 ms and ~12 MB of a 1M-bar run that trades
 * every few dozen bars). The broker reserves an order's row when it is placed and writes it once
 * the order has left the book finished (or at the end of the run); `orderAt` gives the order as
 * its JSON has it (`orderRecord`, which is SimOrder.toJSON).
 */
import type {Order, OrderStatus, OrderType, Side, TimeInForce} from './orders.js'
import {doubled} from './doubled.js'

const TYPES: readonly OrderType[] = ['market', 'limit', 'stop', 'stop_limit']
const FORCES: readonly TimeInForce[] = ['gtc', 'day']
const STATUSES: readonly OrderStatus[] = ['open', 'filled', 'canceled', 'rejected']

// Which of the optional numbers a row has (undefined is not a number a column can hold).
const LIMIT = 1
const STOP = 2
const FILLED_AT = 4
const FILL_PRICE = 8
const COMMISSION = 16
// …and which of the rare fields it has in the maps (so a row written again clears only what it had).
const REASON = 32
const EXTRAS = 64
const ODD = 128

/** The fields an order's JSON has only when they are set, after the others, in this order. */
export interface OrderExtras {
  clientOrderId?: string
  filledQuantity?: number
  ocoWith?: number
  parentId?: number
  trailAmount?: number
  trailPercent?: number
}

/** An order's extras as its JSON writes them; undefined when it has none (most orders). */
export function orderExtras(o: Order): OrderExtras | undefined {
  let out: OrderExtras | undefined
  if (o.clientOrderId !== undefined) {
    out = {clientOrderId: o.clientOrderId, filledQuantity: o.filledQuantity ?? 0}
  } else if (o.filledQuantity !== undefined) {
    // Only for the orders that have them: results without these features keep their shape.
    out = {filledQuantity: o.filledQuantity}
  }
  const {ocoWith, parentId, trailAmount, trailPercent} = o
  if (ocoWith !== undefined) (out ??= {}).ocoWith = ocoWith
  if (parentId !== undefined) (out ??= {}).parentId = parentId
  if (trailAmount !== undefined) (out ??= {}).trailAmount = trailAmount
  if (trailPercent !== undefined) (out ??= {}).trailPercent = trailPercent
  return out
}

export class OrderLog {
  count = 0
  id = new Float64Array(64)
  /** Index of the order's symbol in the run's symbol list. */
  symbol = new Int32Array(64)
  /** +1 buy, -1 sell. */
  side = new Int8Array(64)
  quantity = new Float64Array(64)
  limitPrice = new Float64Array(64)
  stopPrice = new Float64Array(64)
  createdAt = new Float64Array(64)
  filledAt = new Float64Array(64)
  fillPrice = new Float64Array(64)
  commission = new Float64Array(64)
  /** Indices into the type, time-in-force and status lists above. */
  type = new Uint8Array(64)
  timeInForce = new Uint8Array(64)
  status = new Uint8Array(64)
  /** Which optional numbers and rare fields the row has (LIMIT, STOP, …, REASON, EXTRAS, ODD). */
  present = new Uint8Array(64)
  /** The order's tag as an index into `tags` (-1: none): a run has few distinct tags, and many orders carry one. */
  tag = new Int32Array(64)
  readonly tags: string[] = []
  private readonly tagIds = new Map<string, number>()
  /** The rare fields, by row, for the orders that have them. */
  readonly reason = new Map<number, string>()
  readonly extras = new Map<number, OrderExtras>()
  /**
   * Orders whose fields do not fit the columns, kept whole: a request refused at once keeps what
   * it asked for (a side "short", a quantity given as text or not at all, a price of null), and
   * its record must say exactly that.
   */
  readonly odd = new Map<number, Order>()

  /**
   * A row for a new order (its place in submission order), to be written (`write`) before it is
   * read: the broker writes each order once, when it has ended or at the end of the run.
   */
  reserve(): number {
    if (this.count === this.id.length) this.grow()
    return this.count++
  }

  /** Row `row` (re)written with the order as it is now. */
  write(row: number, o: Order, symbolIndex: number): void {
    const {side, type, timeInForce, status, quantity, limitPrice, stopPrice, filledAt, fillPrice, commission, tag, reason} = o
    const typeIndex = TYPES.indexOf(type)
    const forceIndex = FORCES.indexOf(timeInForce)
    const statusIndex = STATUSES.indexOf(status)
    this.id[row] = o.id
    this.symbol[row] = symbolIndex
    this.side[row] = side === 'buy' ? 1 : -1
    this.quantity[row] = quantity
    this.type[row] = typeIndex
    this.timeInForce[row] = forceIndex
    this.status[row] = statusIndex
    this.createdAt[row] = o.createdAt
    let present = 0
    if (limitPrice !== undefined) {
      present |= LIMIT
      this.limitPrice[row] = limitPrice
    }
    if (stopPrice !== undefined) {
      present |= STOP
      this.stopPrice[row] = stopPrice
    }
    if (filledAt !== undefined) {
      present |= FILLED_AT
      this.filledAt[row] = filledAt
    }
    if (fillPrice !== undefined) {
      present |= FILL_PRICE
      this.fillPrice[row] = fillPrice
    }
    if (commission !== undefined) {
      present |= COMMISSION
      this.commission[row] = commission
    }
    const had = this.present[row]
    if (tag === undefined) this.tag[row] = -1
    else {
      let id = this.tagIds.get(tag)
      if (id === undefined) {
        id = this.tags.push(tag) - 1
        this.tagIds.set(tag, id)
      }
      this.tag[row] = id
    }
    if (reason !== undefined) {
      present |= REASON
      this.reason.set(row, reason)
    } else if (had & REASON) this.reason.delete(row)
    const extras = orderExtras(o)
    if (extras !== undefined) {
      present |= EXTRAS
      this.extras.set(row, extras)
    } else if (had & EXTRAS) this.extras.delete(row)
    // What the simulated broker places always fits the columns; a malformed request it refused at once may not.
    const fits = (side === 'buy' || side === 'sell') && typeIndex >= 0 && forceIndex >= 0 && statusIndex >= 0 &&
      typeof quantity === 'number' && typeof o.id === 'number' && typeof o.createdAt === 'number' &&
      optionalNumber(limitPrice) && optionalNumber(stopPrice) && optionalNumber(filledAt) && optionalNumber(fillPrice) && optionalNumber(commission) &&
      optionalString(tag) && optionalString(reason)
    if (!fits) {
      present |= ODD
      this.odd.set(row, orderRecord(o))
    } else if (had & ODD) this.odd.delete(row)
    this.present[row] = present
  }

  private grow(): void {
    this.id = doubled(this.id)
    this.symbol = doubled(this.symbol)
    this.side = doubled(this.side)
    this.quantity = doubled(this.quantity)
    this.limitPrice = doubled(this.limitPrice)
    this.stopPrice = doubled(this.stopPrice)
    this.createdAt = doubled(this.createdAt)
    this.filledAt = doubled(this.filledAt)
    this.fillPrice = doubled(this.fillPrice)
    this.commission = doubled(this.commission)
    this.type = doubled(this.type)
    this.timeInForce = doubled(this.timeInForce)
    this.status = doubled(this.status)
    this.present = doubled(this.present)
    this.tag = doubled(this.tag)
  }
}

const optionalNumber = (v: unknown): boolean => v === undefined || typeof v === 'number'
const optionalString = (v: unknown): boolean => v === undefined || typeof v === 'string'

/**
 * `o` as its JSON has it, a plain object: the public fields in this order (undefined ones too,
 * which JSON leaves out), then its extras. SimOrder.toJSON is this; `orderAt` gives the same.
 */
export function orderRecord(o: Order): Order {
  const {id, symbol, side, quantity, type, limitPrice, stopPrice, timeInForce, tag, createdAt, status, filledAt, fillPrice, commission, reason} = o
  // Built by assignment, not by spreading conditional objects: a result's --json may write tens
  // of thousands of orders, and the spreads cost several objects each.
  const record = {id, symbol, side, quantity, type, limitPrice, stopPrice, timeInForce, tag, createdAt, status, filledAt, fillPrice, commission, reason}
  const extras = orderExtras(o)
  return extras === undefined ? record : Object.assign(record, extras)
}

/** Order `k` of the log as its JSON has it (SimOrder.toJSON's keys and values); `symbols` names the symbol indices. */
export function orderAt(log: OrderLog, symbols: readonly string[], k: number): Order {
  const present = log.present[k]
  if (present & ODD) return {...log.odd.get(k)!}
  const has = (bit: number, column: Float64Array) => ((present & bit) !== 0 ? column[k] : undefined)
  const order: {-readonly [K in keyof Order]: Order[K]} = {
    id: log.id[k],
    symbol: symbols[log.symbol[k]],
    side: (log.side[k] > 0 ? 'buy' : 'sell') as Side,
    quantity: log.quantity[k],
    type: TYPES[log.type[k]],
    limitPrice: has(LIMIT, log.limitPrice),
    stopPrice: has(STOP, log.stopPrice),
    timeInForce: FORCES[log.timeInForce[k]],
    tag: log.tag[k] < 0 ? undefined : log.tags[log.tag[k]],
    createdAt: log.createdAt[k],
    status: STATUSES[log.status[k]],
    filledAt: has(FILLED_AT, log.filledAt),
    fillPrice: has(FILL_PRICE, log.fillPrice),
    commission: has(COMMISSION, log.commission),
    reason: present & REASON ? log.reason.get(k) : undefined,
  }
  return present & EXTRAS ? Object.assign(order, log.extras.get(k)) : order
}

/** The log's orders as their JSON objects. */
export function orderObjects(log: OrderLog, symbols: readonly string[]): Order[] {
  const out: Order[] = new Array(log.count)
  for (let k = 0; k < log.count; k++) out[k] = orderAt(log, symbols, k)
  return out
}
