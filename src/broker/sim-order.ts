import type {Order, OrderRequest, OrderStatus, OrderType, Side, TimeInForce} from '../model/orders.js'

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
  /** Stop-limit: the stop has been touched, the order now behaves as a limit order. */
  triggered = false

  constructor(
    readonly id: number,
    readonly symbol: string,
    readonly symbolIndex: number,
    readonly side: Side,
    readonly quantity: number,
    readonly type: OrderType,
    readonly limitPrice: number | undefined,
    readonly stopPrice: number | undefined,
    readonly timeInForce: TimeInForce,
    readonly tag: string | undefined,
    readonly createdAt: number,
    /** Index of the last bar the strategy had seen when it placed the order: never filled on it. */
    readonly signalBar: number,
    /** Day orders: the close of the session they are good for; GTC: Infinity. */
    readonly expiresAt: number,
  ) {}

  toJSON(): Order {
    const {id, symbol, side, quantity, type, limitPrice, stopPrice, timeInForce, tag, createdAt, status} = this
    return {id, symbol, side, quantity, type, limitPrice, stopPrice, timeInForce, tag, createdAt, status,
      filledAt: this.filledAt, fillPrice: this.fillPrice, commission: this.commission, reason: this.reason,
      ...(this.clientOrderId === undefined ? {} : {clientOrderId: this.clientOrderId, filledQuantity: this.filledQuantity ?? 0})}
  }
}

const TYPES: ReadonlySet<string> = new Set(['market', 'limit', 'stop', 'stop_limit'])
const isPrice = (p: unknown): p is number => typeof p === 'number' && Number.isFinite(p) && p > 0

/** Why a request cannot become an order, or undefined when it is well-formed. */
export function requestProblem(req: OrderRequest): string | undefined {
  if (req.side !== 'buy' && req.side !== 'sell') return `side must be "buy" or "sell", got ${String(req.side)}`
  if (typeof req.quantity !== 'number' || !Number.isFinite(req.quantity) || req.quantity <= 0) {
    return `quantity must be a positive number, got ${String(req.quantity)}`
  }
  const type = req.type ?? 'market'
  if (!TYPES.has(type)) return `unknown order type ${String(type)}`
  if ((type === 'limit' || type === 'stop_limit') && !isPrice(req.limitPrice)) return `a ${type} order needs a positive limitPrice`
  if ((type === 'stop' || type === 'stop_limit') && !isPrice(req.stopPrice)) return `a ${type} order needs a positive stopPrice`
  const tif = req.timeInForce ?? 'gtc'
  if (tif !== 'day' && tif !== 'gtc') return `timeInForce must be "day" or "gtc", got ${String(tif)}`
  return undefined
}
