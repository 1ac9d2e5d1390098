/**
 * The WebSocket half of the twin, by path (what ccxt's `urls.api.ws` reach once their origin is
 * the twin's):
 *
 * - `/ws`, `/ws/<anything>`: raw market streams. ccxt connects to `/ws/<stream index>` and sends
 *   `{"method": "SUBSCRIBE", "params": ["btcusdt@kline_1m"], "id": 1}`; the answer is
 *   `{"result": null, "id": 1}`, then `kline` events. `/ws/<stream>` subscribes at connect, and
 *   `/ws/<listenKey>` (from POST /api/v3/userDataStream) is the legacy raw user-data stream.
 * - `/stream?streams=a/b`: combined streams, events wrapped as `{"stream", "data"}`.
 * - `/ws-api/v3`: the WebSocket API, which ccxt 4.5 uses for spot `watchOrders`, `watchMyTrades`
 *   and `watchBalance` (`userDataStream.subscribe.signature`), see ws-api.ts.
 *
 * Only `<symbol>@kline_<the twin's interval>` streams exist; any other is refused with Binance's
 * `{"error": {"code": 2, "msg": "Invalid request: …"}}`.
 */
import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import {WebSocketServer, type WebSocket} from 'ws'
import type {TwinContext} from './twin-context.js'
import {handleWsApi} from './ws-api.js'

export function wsUpgrade(ctx: TwinContext): {wss: WebSocketServer; upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void} {
  const wss = new WebSocketServer({noServer: true})
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'ws://twin')
    const path = url.pathname.replace(/\/+$/, '')
    const kind = path === '/ws-api/v3' ? 'api' : path === '/stream' ? 'combined' : path === '/ws' || path.startsWith('/ws/') ? 'raw' : undefined
    if (!kind) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.hub.add(ws, kind === 'combined')
      if (kind === 'api') return void ws.on('message', (data) => handleWsApi(ctx, ws, String(data)))
      const initial = kind === 'combined' ? (url.searchParams.get('streams') ?? '').split('/') : [path.slice('/ws/'.length)]
      for (const name of initial.filter((n) => n !== '')) {
        if (ctx.listenKeys.has(name)) ctx.hub.setUser(ws, null)
        else if (streamProblem(ctx, name) === undefined) ctx.hub.subscribe(ws, name)
      }
      ws.on('message', (data) => handleStreamRequest(ctx, ws, String(data)))
    })
  }
  return {wss, upgrade}
}

function handleStreamRequest(ctx: TwinContext, ws: WebSocket, text: string): void {
  let msg: {method?: unknown; params?: unknown; id?: unknown}
  try {
    msg = JSON.parse(text)
  } catch {
    return ctx.hub.send(ws, {error: {code: 3, msg: 'Invalid JSON: expected value at line 1 column 1'}})
  }
  const id = msg.id ?? null
  const params = Array.isArray(msg.params) ? msg.params.map(String) : []
  const streams = ctx.hub.streams(ws)
  switch (msg.method) {
    case 'SUBSCRIBE': {
      const problem = params.map((p) => streamProblem(ctx, p)).find((x) => x !== undefined)
      if (problem) return ctx.hub.send(ws, {error: {code: 2, msg: `Invalid request: ${problem}`}, id})
      for (const p of params) ctx.hub.subscribe(ws, p)
      return ctx.hub.send(ws, {result: null, id})
    }
    case 'UNSUBSCRIBE':
      for (const p of params) ctx.hub.unsubscribe(ws, p)
      return ctx.hub.send(ws, {result: null, id})
    case 'LIST_SUBSCRIPTIONS':
      return ctx.hub.send(ws, {result: [...streams], id})
    case 'SET_PROPERTY':
      return ctx.hub.send(ws, {result: null, id})
    case 'GET_PROPERTY':
      return ctx.hub.send(ws, {result: false, id})
    default:
      return ctx.hub.send(ws, {error: {code: 2, msg: `Invalid request: unknown method ${String(msg.method)}`}, id})
  }
}

/** Why the twin has no such stream, or undefined when it has. */
function streamProblem(ctx: TwinContext, name: string): string | undefined {
  const m = /^([a-z0-9]+)@kline_(\w+)$/.exec(name)
  if (!m) return `the bots twin serves only <symbol>@kline_${ctx.settings.interval} streams, not ${name}`
  if (!ctx.settings.symbols.some((s) => s.lower === m[1])) return `unknown symbol in ${name}`
  if (m[2] !== ctx.settings.interval) return `the bots twin replays ${ctx.settings.interval} bars, not ${m[2]}`
  return undefined
}
