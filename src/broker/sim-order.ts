import type {Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce} from '../model/orders.js'
import {orderRecord} from '../model/order-log.js'

/**
 * An order as the brokers keep it: the public `Order` fields plus the bookkeeping fill rules need.
 * Strategies receive it typed as `Order`; `toJSON()` keeps results free of the internals.
 */
export class SimOrder implements Order {
  status: OrderStatus = 'open'
  filledAt?: number
  fillPrice?: number
  commission?: number
  reason?: string
  filledQuantity?: number
  clientOrderId?: string
  /** Stop-limit: the stop has been touched, the order now behaves as a limit order. Stop (partly filled): the rest fills at market. */
  triggered = false
  /** The other leg of an OCO pair (both point at each other). */
  oco: SimOrder | undefined = undefined
  /** Bracket leg: the entry it waits for (works once that has completely filled, or ended after a part). */
  parent: SimOrder | undefined = undefined
  /** Bracket leg working on its own: its entry's id (for `parentId`), the entry having filled (restored) or ended after a part. */
  filledParentId: number | undefined = undefined
  /**
   * A bracket entry that replaced one filled in part (or a chain of such): what those filled, in
   * units, at their average price, the last at `at`. Its legs are for that and its own quantity.
   */
  priorFill: PriorFill | undefined = undefined
  /** An OCO leg filling its rest after its first part ended the pair (afterFill): the partner's id, for `ocoWith`. */
  endedOcoWith: number | undefined = undefined
  /**
   * Bracket entry: its legs, activated when it fills, canceled when it ends with nothing filled
   * (after a part: resized to that part and detached, see SimulatedBroker.protectPart).
   */
  children: SimOrder[] | undefined = undefined
  /** Trailing stop: distance in price or in percent (one of them), and the best price so far. */
  trailAmount: number | undefined = undefined
  trailPercent: number | undefined = undefined
  best = NaN
  /**
   * Day orders: the close of the first session after theirs (Infinity for GTC, or past the
   * calendar). A bar that ends by then holds a whole session the order was not good for (a weekly
   * bar): only its open counts (SimulatedBroker.processBar). Set once, at submit or restore.
   */
  laterClose = Infinity
  /** `trailing`, cached for the per-bar loop. */
  trails = false
  /** Index of the bar this order was last matched on (an OCO pair is matched once per bar, as a pair). */
  matchedBar = -1
  /** Its row in the book's OrderLog, when the book keeps one. */
  logRow = -1

  constructor(
    readonly id: number,
    readonly symbol: string,
    readonly symbolIndex: number,
    readonly side: Side,
    /** Mutable for a bracket's legs: they follow their entry's quantity when it is replaced, and shrink to the part of an entry that ended partly filled. */
    public quantity: number,
    readonly type: OrderType,
    readonly limitPrice: number | undefined,
    /** Mutable for trailing stops (the current level). */
    public stopPrice: number | undefined,
    readonly timeInForce: TimeInForce,
    readonly tag: string | undefined,
    readonly createdAt: number,
    /** Index of the last bar the strategy had seen when it placed the order: never filled on it. A bracket leg: the bar its entry filled on. */
    public signalBar: number,
    /** Day orders: the close of the session they are good for; GTC: Infinity. */
    readonly expiresAt: number,
  ) {}

  toJSON(): Order {
    return orderRecord(this)
  }

  get ocoWith(): number | undefined {
    return this.oco?.id ?? this.endedOcoWith
  }
  get parentId(): number | undefined {
    return this.parent?.id ?? this.filledParentId
  }
  /** Whether this is a trailing stop. */
  get trailing(): boolean {
    return this.trailAmount !== undefined || this.trailPercent !== undefined
  }
}

export interface PriorFill {
  quantity: number
  price: number
  at: number
}

/** What a bracket entry has filled, the entries it replaced included (undefined: nothing). */
export function entryFilled(o: SimOrder): PriorFill | undefined {
  const own = o.filledQuantity ?? 0
  const prior = o.priorFill
  if (prior === undefined) return own > 0 ? {quantity: own, price: o.fillPrice!, at: o.filledAt!} : undefined
  if (!(own > 0)) return prior
  const quantity = prior.quantity + own
  return {quantity, price: (prior.quantity * prior.price + own * o.fillPrice!) / quantity, at: Math.max(prior.at, o.filledAt!)}
}

const TYPES: ReadonlySet<string> = new Set(['market', 'limit', 'stop', 'stop_limit'])
const isPrice = (p: unknown): p is number => typeof p === 'number' && Number.isFinite(p) && p > 0

/**
 * Why a request cannot become an order, or undefined when it is well-formed. `linked`: the broker
 * supports OCO pairs, bracket legs, replacements and trailing stops (the simulated and paper
 * brokers); others (an exchange broker) reject requests that use them rather than ignore them.
 */
export function requestProblem(req: OrderRequest, linked = false): string | undefined {
  if (req.side !== 'buy' && req.side !== 'sell') return `side must be "buy" or "sell", got ${String(req.side)}`
  if (typeof req.quantity !== 'number' || !Number.isFinite(req.quantity) || req.quantity <= 0) {
    return `quantity must be a positive number, got ${String(req.quantity)}`
  }
  const type = req.type ?? 'market'
  if (!TYPES.has(type)) return `unknown order type ${String(type)}`
  if ((type === 'limit' || type === 'stop_limit') && !isPrice(req.limitPrice)) return `a ${type} order needs a positive limitPrice`
  const trails = req.trailAmount !== undefined || req.trailPercent !== undefined
  if ((type === 'stop' || type === 'stop_limit') && !(trails && req.stopPrice === undefined) && !isPrice(req.stopPrice)) return `a ${type} order needs a positive stopPrice`
  const tif = req.timeInForce ?? 'gtc'
  if (tif !== 'day' && tif !== 'gtc') return `timeInForce must be "day" or "gtc", got ${String(tif)}`
  if (!linked) {
    if (trails || req.ocoWith !== undefined || req.parentId !== undefined || req.replaces !== undefined) {
      return 'this broker does not support OCO, bracket, replacement or trailing-stop orders (the simulated and paper brokers do)'
    }
    return undefined
  }
  if (trails) {
    if (type !== 'stop') return `a trailing stop is a stop order (type "stop"), got ${type}`
    if (req.trailAmount !== undefined && req.trailPercent !== undefined) return 'a trailing stop takes trailAmount or trailPercent, not both'
    if (req.trailAmount !== undefined && !isPrice(req.trailAmount)) return `trailAmount must be a positive number, got ${String(req.trailAmount)}`
    if (req.trailPercent !== undefined && !(isPrice(req.trailPercent) && req.trailPercent < 100)) return `trailPercent must be between 0 and 100, got ${String(req.trailPercent)}`
  }
  return undefined
}
