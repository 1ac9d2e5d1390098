/**
 * The REST half of the twin: Binance spot's `/api/v3` paths (what ccxt's `public`, `private` and
 * `v1` URLs reach once their origin is the twin's), plus empty futures exchangeInfo answers so an
 * unconfigured `loadMarkets` (spot, linear, inverse) works. Faults: every Nth request answers 429;
 * every answer waits `latencyMs` on the twin's clock first (the request is handled after the wait,
 * as if it had travelled that long, and handled even when its sender has gone by then).
 */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {checkKey, checkRestSignature, type Credentials} from './auth.js'
import * as E from './binance-errors.js'
import type {TwinCounters} from './counters.js'
import {routes, type Handler} from './rest-routes.js'
import type {TwinContext} from './twin-context.js'

export function restHandler(ctx: TwinContext, creds: Credentials, counters: TwinCounters) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      counters.rest++
      const url = new URL(req.url ?? '/', 'http://twin')
      const key = `${req.method} ${url.pathname}`
      counters.byPath[key] = (counters.byPath[key] ?? 0) + 1
      ctx.activity()
      const limited = ctx.faults.http429Every > 0 && counters.rest % ctx.faults.http429Every === 0
      // A request that reached the exchange is carried out even if its sender has gone meanwhile
      // (an order sent just before the client died still lands); only the answer is lost.
      const answer = () => {
        if (limited) {
          counters.rateLimited++
          return reply(res, 429, E.tooManyRequests().body(), {'Retry-After': '1'})
        }
        try {
          const body = Buffer.concat(chunks).toString('utf8')
          const route = routes[key]
          if (!route) throw E.notServed(url.pathname)
          const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : ''
          if (route.auth === 'signed') checkRestSignature(creds, header(req, 'x-mbx-apikey'), rawQuery, body)
          if (route.auth === 'key') checkKey(creds, header(req, 'x-mbx-apikey'))
          const params = new URLSearchParams(rawQuery)
          for (const [k, v] of new URLSearchParams(body)) params.set(k, v)
          reply(res, 200, (route.handle as Handler)(ctx, params))
          ctx.activity()
        } catch (e) {
          if (!(e instanceof E.BinanceError)) {
            reply(res, 500, {code: -1000, msg: `bots twin: ${e instanceof Error ? e.message : String(e)}`})
            return
          }
          if (e.code === -2015 || e.code === -1022) counters.authFailed++
          reply(res, e.http, e.body())
        }
      }
      if (ctx.faults.latencyMs > 0) ctx.clock.setTimer(ctx.faults.latencyMs, answer)
      else answer()
    })
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, {'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers})
  res.end(text)
}
