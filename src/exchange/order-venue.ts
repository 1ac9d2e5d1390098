/**
 * What the exchange broker needs of an exchange: the ccxt unified methods it calls, typed narrowly
 * so a ccxt (or ccxt.pro) instance fits as it is (error kinds: error-kind.ts).
 */

export interface VenueMarket {
  base: string
  quote: string
  limits: {amount?: {min?: number; max?: number}; cost?: {min?: number}; price?: {min?: number}}
}

export interface VenueOrder {
  id: string
  clientOrderId?: string
  symbol: string
  status?: string // open | closed | canceled | expired | rejected
  amount?: number
  filled?: number
  timestamp?: number
}

export interface VenueTrade {
  id: string
  order?: string
  symbol: string
  side: string
  amount: number
  price: number
  timestamp: number
  fee?: {cost?: number; currency?: string}
}

export interface OrderVenue {
  loadMarkets(reload?: boolean): Promise<unknown>
  market(symbol: string): VenueMarket
  amountToPrecision(symbol: string, amount: number): string
  priceToPrecision(symbol: string, price: number): string
  createOrder(symbol: string, type: string, side: string, amount: number, price?: number, params?: Record<string, unknown>): Promise<VenueOrder>
  fetchOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<VenueOrder>
  cancelOrder(id: string, symbol?: string, params?: Record<string, unknown>): Promise<unknown>
  fetchOpenOrders(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueOrder[]>
  fetchMyTrades(symbol?: string, since?: number, limit?: number, params?: Record<string, unknown>): Promise<VenueTrade[]>
  fetchBalance(params?: Record<string, unknown>): Promise<{total?: Record<string, number | undefined>}>
}

/** The client order id of order `id` of a bot's run (`suffix`: the lease epoch on a PostgreSQL registry): deterministic, ≤ 36 chars of [A-Za-z0-9_-]. */
export function clientOrderId(prefix: string, id: number, suffix = ''): string {
  const cid = `${prefix}o${id}${suffix}`
  if (!/^[A-Za-z0-9_-]{1,36}$/.test(cid)) throw new Error(`bug: client order id ${cid} is not 1–36 characters of [A-Za-z0-9_-]`)
  return cid
}
