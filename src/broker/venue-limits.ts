/**
 * What a venue's broker takes, for the simulated broker to refuse the same (with the same reasons)
 * when it stands in for that venue: `bots parity` replays an exchange bot's bars through a backtest
 * whose broker takes what the exchange broker takes, so a strategy that falls back on a refusal
 * (the `rules` trader watches a refused stop itself) decides in the replay as it did live.
 */
import {unsupportedOrderType, type OrderRequest, type OrderType} from '../model/orders.js'
import {requestProblem} from './sim-order.js'

export interface VenueLimits {
  /** Who refuses, for the reasons: "the exchange broker". */
  name: string
  orderTypes: readonly OrderType[]
  /** OCO pairs, brackets, replacements and trailing stops. */
  linked: boolean
  dayOrders: boolean
}

/** The exchange broker's (src/exchange/exchange-broker.ts). */
export const EXCHANGE_LIMITS: VenueLimits = {name: 'the exchange broker', orderTypes: ['market', 'limit'], linked: false, dayOrders: false}

/** Why a venue with `limits` refuses `req` (the request's own problems first), or undefined. */
export function venueRequestProblem(req: OrderRequest, limits: VenueLimits | undefined): string | undefined {
  if (limits === undefined) return requestProblem(req, true)
  const own = requestProblem(req, limits.linked)
  if (own !== undefined) return own
  const type = req.type ?? 'market'
  if (!limits.orderTypes.includes(type)) return `${unsupportedOrderType(type)}: ${limits.name} places ${limits.orderTypes.join(' and ')} orders`
  if (!limits.dayOrders && req.timeInForce === 'day') return `day orders are not supported on ${limits.name} (crypto markets have no session close): use gtc`
  return undefined
}
