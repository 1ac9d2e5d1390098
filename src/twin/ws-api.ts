/**
 * Binance's WebSocket API (`/ws-api/v3`), the part ccxt 4.5 speaks for spot user data
 * (pro/binance.js `ensureUserDataStreamWsSubscribeSignature`):
 *
 * - request `{"id": "1", "method": "userDataStream.subscribe.signature", "params": {apiKey, timestamp, signature}}`
 * - answer `{"id": "1", "status": 200, "result": {"subscriptionId": 0}, "rateLimits": []}`
 * - then every account event as `{"subscriptionId": 0, "event": {"e": "executionReport", …}}`
 *   (and `outboundAccountPosition` after each balance change).
 *
 * Errors answer `{"id", "status": 401|400, "error": {"code", "msg"}}`, which ccxt routes through
 * its REST error mapping (a wrong key → AuthenticationError). Also served: `ping`, `time`,
 * `userDataStream.unsubscribe`. Orders are placed over REST; `order.place` is not served.
 */
import type {WebSocket} from 'ws'
import {checkWsSignature} from './auth.js'
import {BinanceError} from './binance-errors.js'
import type {TwinContext} from './twin-context.js'

export function handleWsApi(ctx: TwinContext, ws: WebSocket, text: string): void {
  let msg: {id?: unknown; method?: unknown; params?: unknown}
  try {
    msg = JSON.parse(text)
  } catch {
    return ctx.hub.send(ws, {id: null, status: 400, error: {code: -1100, msg: 'Malformed JSON request.'}})
  }
  const id = msg.id ?? null
  const params = (msg.params && typeof msg.params === 'object' ? msg.params : {}) as Record<string, unknown>
  const ok = (result: unknown) => ctx.hub.send(ws, {id, status: 200, result, rateLimits: []})
  try {
    switch (msg.method) {
      case 'ping':
        return ok({})
      case 'time':
        return ok({serverTime: ctx.market.now()})
      case 'userDataStream.subscribe.signature': {
        checkWsSignature(ctx.creds, params)
        const subscriptionId = ctx.hub.newSubscriptionId()
        ok({subscriptionId})
        return ctx.hub.setUser(ws, subscriptionId)
      }
      case 'userDataStream.unsubscribe':
        ctx.hub.setUser(ws, undefined)
        return ok({})
      default:
        throw new BinanceError(400, -1000, `the bots twin does not serve the WebSocket API method ${String(msg.method)}`)
    }
  } catch (e) {
    const err = e instanceof BinanceError ? e : new BinanceError(500, -1000, String(e))
    ctx.hub.send(ws, {id, status: err.http, error: err.body(), rateLimits: []})
  }
}
