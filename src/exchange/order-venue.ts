/**
 * What the exchange broker needs of an exchange: the ccxt unified methods it calls, typed narrowly
 * so a ccxt (or ccxt.pro) instance fits as it is. Error kinds come from ccxt's error classes,
 * read by name along the prototype chain so this module never loads ccxt itself.
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

export type VenueErrorKind = 'auth' | 'rate-limit' | 'timeout' | 'network' | 'order-not-found' | 'duplicate' | 'insufficient-funds' | 'invalid-order' | 'other'

/** ccxt error class names, most specific first: the first one on the error's prototype chain wins. */
const KINDS: [string, VenueErrorKind][] = [
  ['AuthenticationError', 'auth'],
  ['PermissionDenied', 'auth'],
  ['AccountSuspended', 'auth'],
  ['RateLimitExceeded', 'rate-limit'],
  ['DDoSProtection', 'rate-limit'],
  ['RequestTimeout', 'timeout'],
  ['NetworkError', 'network'],
  ['OrderNotFound', 'order-not-found'],
  ['DuplicateOrderId', 'duplicate'],
  ['InsufficientFunds', 'insufficient-funds'],
  ['InvalidOrder', 'invalid-order'],
  ['BadRequest', 'invalid-order'],
]

export function venueErrorKind(e: unknown): VenueErrorKind {
  const names = new Set<string>()
  for (let p = e; p !== null && typeof p === 'object'; p = Object.getPrototypeOf(p)) {
    const name = (p as {constructor?: {name?: string}}).constructor?.name
    if (name) names.add(name)
  }
  const message = e instanceof Error ? e.message : String(e)
  // Binance answers a re-used client order id with -2010 "Duplicate order sent." (ccxt: InvalidOrder).
  if (/duplicate order/i.test(message)) return 'duplicate'
  for (const [name, kind] of KINDS) if (names.has(name)) return kind
  return 'other'
}

/** The client order id of order `id` of a bot's run: deterministic, ≤ 36 chars of [A-Za-z0-9_-]. */
export function clientOrderId(prefix: string, id: number): string {
  const cid = `${prefix}o${id}`
  if (!/^[A-Za-z0-9_-]{1,36}$/.test(cid)) throw new Error(`bug: client order id ${cid} is not 1–36 characters of [A-Za-z0-9_-]`)
  return cid
}
