/**
 * The kind of failure a ccxt error is, from ccxt's error classes, so callers decide between
 * retrying, backing off, rejecting an order and stopping the bot. Classes are recognised by name
 * along the prototype chain (ccxt's classes are named after its error hierarchy:
 * `RateLimitExceeded` extends `NetworkError`, `OrderNotFound` extends `InvalidOrder`, …), so this
 * module never loads ccxt and works for errors of any copy of it.
 */

export type ExchangeErrorKind = 'network' | 'rate-limit' | 'auth' | 'insufficient-funds' | 'invalid-order' | 'order-not-found' | 'duplicate' | 'other'

/** ccxt class names, most specific first: the first one found on the error's chain decides. */
const KINDS: ReadonlyArray<readonly [className: string, kind: ExchangeErrorKind]> = [
  ['RateLimitExceeded', 'rate-limit'],
  ['DDoSProtection', 'rate-limit'],
  ['RequestTimeout', 'network'],
  ['ExchangeNotAvailable', 'network'], // OnMaintenance too
  ['InvalidNonce', 'network'],
  ['NetworkError', 'network'],
  ['AuthenticationError', 'auth'], // PermissionDenied, AccountNotEnabled, AccountSuspended
  ['PermissionDenied', 'auth'],
  ['InsufficientFunds', 'insufficient-funds'],
  ['DuplicateOrderId', 'duplicate'],
  ['OrderNotFound', 'order-not-found'],
  ['OrderNotCached', 'order-not-found'],
  ['InvalidOrder', 'invalid-order'], // OrderNotFillable, OrderImmediatelyFillable, …
  // Binance answers a filter failure such as NOTIONAL with -1013, which ccxt raises as BadRequest.
  ['BadRequest', 'invalid-order'], // BadSymbol too
]

/** What kind of failure a ccxt error is. Anything that is not a ccxt error (or is of another class) is `other`. */
export function classifyExchangeError(e: unknown): ExchangeErrorKind {
  const names = errorClassNames(e)
  // Binance answers a re-used client order id with -2010 "Duplicate order sent." (ccxt: InvalidOrder).
  if (names.has('InvalidOrder') && /duplicate order/i.test(messageOf(e))) return 'duplicate'
  for (const [name, kind] of KINDS) if (names.has(name)) return kind
  return 'other'
}

/** Whether retrying the same request later can succeed (the network or the rate limit). */
export function isTransientExchangeError(e: unknown): boolean {
  const kind = classifyExchangeError(e)
  return kind === 'network' || kind === 'rate-limit'
}

export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message
  return typeof e === 'string' ? e : String(e)
}

/** Class names along the prototype chain, and the error's own `name`. */
export function errorClassNames(e: unknown): Set<string> {
  const names = new Set<string>()
  if (e === null || typeof e !== 'object') return names
  const own = (e as {name?: unknown}).name
  if (typeof own === 'string') names.add(own)
  for (let p: object | null = e; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const name = (p as {constructor?: {name?: unknown}}).constructor?.name
    if (typeof name === 'string' && name.length > 0) names.add(name)
  }
  return names
}
