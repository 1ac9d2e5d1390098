/**
 * Point a ccxt binance client at a twin the way a user would: every URL in `exchange.urls.api`
 * keeps its path and gets the twin's origin (`http://127.0.0.1:PORT` for REST, `ws://…` for
 * WebSocket URLs). Works on the plain object, so bots does not import ccxt here.
 *
 *   const ex = new ccxt.pro.binance({apiKey, secret, options: {fetchCurrencies: false}})
 *   ex.urls.api = twinUrls(ex.urls.api, twin)
 *   await ex.loadHttpProxyAgent()   // ccxt needs it before a plain ws:// connection
 */
export function twinUrls<T>(api: T, twin: {apiUrl: string; wsUrl: string}): T {
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = /^(https?|wss?):\/\/[^/]+(.*)$/.exec(v)
      if (!m) return v
      return (m[1].startsWith('ws') ? twin.wsUrl : twin.apiUrl) + m[2]
    }
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]))
    return v
  }
  return swap(api) as T
}
