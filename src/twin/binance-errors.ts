/**
 * Binance's error answers, `{"code": -2010, "msg": "..."}` with the HTTP status Binance uses. The
 * codes and texts are Binance's own, so an unmodified ccxt maps them as it does for the real
 * exchange (binance.js `exceptions.exact`/`broad` and `handleErrors`):
 *
 * - -2015 / -1022 (401) → AuthenticationError
 * - -2010 "Account has insufficient balance for requested action." → InsufficientFunds
 * - -2010 "Duplicate order sent." → InvalidOrder
 * - -1013 "Filter failure: LOT_SIZE" / "PRICE_FILTER" → InvalidOrder (ccxt reads the body text)
 * - -1013 "Filter failure: NOTIONAL" → BadRequest: ccxt 4.5 maps -1013 to BadRequest and has no
 *   text rule for NOTIONAL, exactly as against the real exchange
 * - -2013 → OrderNotFound (query), -2011 → OrderNotFound (cancel)
 * - HTTP 429 (-1003) → DDoSProtection (binance.js handleErrors checks 418/429 first)
 */
export class BinanceError extends Error {
  constructor(readonly http: number, readonly code: number, msg: string) {
    super(msg)
  }

  body(): {code: number; msg: string} {
    return {code: this.code, msg: this.message}
  }
}

export const badApiKey = () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.')
export const badSignature = () => new BinanceError(401, -1022, 'Signature for this request is not valid.')
export const insufficientBalance = () => new BinanceError(400, -2010, 'Account has insufficient balance for requested action.')
export const duplicateOrder = () => new BinanceError(400, -2010, 'Duplicate order sent.')
export const filterFailure = (filter: string) => new BinanceError(400, -1013, `Filter failure: ${filter}`)
export const orderNotFound = () => new BinanceError(400, -2013, 'Order does not exist.')
export const unknownOrder = () => new BinanceError(400, -2011, 'Unknown order sent.')
export const badSymbol = () => new BinanceError(400, -1121, 'Invalid symbol.')
export const marketClosed = () => new BinanceError(400, -1013, 'Market is closed.')
export const tooManyRequests = () =>
  new BinanceError(429, -1003, 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.')
export const missingParam = (name: string) => new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`)
export const badParam = (name: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`)
export const unsupported = (what: string) => new BinanceError(400, -1014, `Unsupported order combination. (the twin serves ${what})`)
export const notServed = (path: string) => new BinanceError(404, -5000, `Path ${path} is not served by the bots twin.`)
