/**
 * One handler per Binance spot REST endpoint the twin serves, keyed `METHOD /path`. Each takes the
 * merged query and form parameters and returns the JSON body, or throws a BinanceError.
 * `auth`: `signed` (HMAC + key, Binance's TRADE/USER_DATA), `key` (USER_STREAM), or none.
 */
import {randomBytes} from 'node:crypto'
import * as E from './binance-errors.js'
import {exchangeInfo} from './exchange-info.js'
import {decimalParam, s8} from './numbers.js'
import type {TwinContext} from './twin-context.js'
import {accountJson, canceledOrderJson, klineRow, newOrderJson, orderJson, tradeJson} from './wire.js'

export type Handler = (ctx: TwinContext, p: URLSearchParams) => unknown

interface Route {
  auth?: 'signed' | 'key'
  handle: Handler
}

const emptyFuturesInfo: Handler = (ctx) => ({timezone: 'UTC', serverTime: ctx.market.now(), rateLimits: [], exchangeFilters: [], assets: [], symbols: []})

export const routes: Record<string, Route> = {
  'GET /api/v3/ping': {handle: () => ({})},
  'GET /api/v1/ping': {handle: () => ({})},
  'GET /api/v3/time': {handle: (ctx) => ({serverTime: ctx.market.now()})},
  'GET /api/v3/exchangeInfo': {handle: (ctx) => exchangeInfo(ctx.settings, ctx.market.now())},
  'GET /fapi/v1/exchangeInfo': {handle: emptyFuturesInfo},
  'GET /dapi/v1/exchangeInfo': {handle: emptyFuturesInfo},
  // ccxt's loadMarkets asks for margin pairs when it has credentials (options.fetchMargins): the twin has none.
  'GET /sapi/v1/margin/allPairs': {auth: 'signed', handle: () => []},
  'GET /sapi/v1/margin/isolated/allPairs': {auth: 'signed', handle: () => []},
  'GET /api/v3/klines': {handle: klines},
  'GET /api/v3/ticker/price': {handle: (ctx, p) => perSymbol(ctx, p, (i, id) => ({symbol: id, price: s8(ctx.market.lastBar(i)?.close ?? 0)}))},
  'GET /api/v3/ticker/24hr': {handle: ticker24h},
  'GET /api/v3/account': {auth: 'signed', handle: (ctx) => accountJson(ctx.account.all(), ctx.settings.commissionRate, ctx.market.now())},
  'POST /api/v3/order': {auth: 'signed', handle: newOrder},
  'GET /api/v3/order': {auth: 'signed', handle: (ctx, p) => orderJson(ctx.engine.find(p.get('symbol') ?? undefined, ref(p)))},
  'DELETE /api/v3/order': {
    auth: 'signed',
    handle: (ctx, p) => canceledOrderJson(ctx.engine.cancel(p.get('symbol') ?? undefined, ref(p)), ctx.market.now()),
  },
  'GET /api/v3/openOrders': {
    auth: 'signed',
    handle: (ctx, p) => {
      const symbol = p.get('symbol') ?? undefined
      if (symbol !== undefined) ctx.engine.symbolOf(symbol)
      return ctx.engine.openOrders(symbol).map(orderJson)
    },
  },
  'DELETE /api/v3/openOrders': {
    auth: 'signed',
    handle: (ctx, p) => {
      const symbol = ctx.engine.symbolOf(p.get('symbol') ?? undefined).sym.id
      return ctx.engine.openOrders(symbol).map((o) => canceledOrderJson(ctx.engine.cancel(symbol, {orderId: o.orderId}), ctx.market.now()))
    },
  },
  'GET /api/v3/allOrders': {auth: 'signed', handle: allOrders},
  'GET /api/v3/myTrades': {auth: 'signed', handle: myTrades},
  'POST /api/v3/userDataStream': {
    auth: 'key',
    handle: (ctx) => {
      const listenKey = randomBytes(30).toString('hex')
      ctx.listenKeys.add(listenKey)
      return {listenKey}
    },
  },
  'PUT /api/v3/userDataStream': {auth: 'key', handle: (ctx, p) => (listenKey(ctx, p), {})},
  'DELETE /api/v3/userDataStream': {auth: 'key', handle: (ctx, p) => (ctx.listenKeys.delete(listenKey(ctx, p)), {})},
}

function klines(ctx: TwinContext, p: URLSearchParams): unknown {
  const {index} = ctx.engine.symbolOf(p.get('symbol') ?? undefined)
  const interval = p.get('interval')
  if (interval === null) throw E.missingParam('interval')
  if (interval !== ctx.settings.interval) throw new E.BinanceError(400, -1120, 'Invalid interval.')
  const limit = Math.min(1000, Math.max(1, int(p, 'limit') ?? 500))
  const bars = ctx.market.klines(index, {startTime: int(p, 'startTime'), endTime: int(p, 'endTime'), limit})
  return bars.map((b) => klineRow(b, ctx.settings.timeframeMs))
}

function ticker24h(ctx: TwinContext, p: URLSearchParams): unknown {
  return perSymbol(ctx, p, (i, id) => {
    const now = ctx.market.now()
    const bars = ctx.market.klines(i, {startTime: now - 86_400_000, limit: 100_000})
    const last = bars.at(-1)
    const first = bars[0]
    const high = bars.reduce((m, b) => Math.max(m, b.high), -Infinity)
    const low = bars.reduce((m, b) => Math.min(m, b.low), Infinity)
    const volume = bars.reduce((m, b) => m + b.volume, 0)
    const change = last && first ? last.close - first.open : 0
    return {
      symbol: id, priceChange: s8(change), priceChangePercent: first ? (change / first.open * 100).toFixed(3) : '0.000',
      weightedAvgPrice: s8(last?.close ?? 0), prevClosePrice: s8(first?.open ?? 0), lastPrice: s8(last?.close ?? 0),
      lastQty: s8(0), bidPrice: s8(last?.close ?? 0), bidQty: s8(0), askPrice: s8(last?.close ?? 0), askQty: s8(0),
      openPrice: s8(first?.open ?? 0), highPrice: s8(last ? high : 0), lowPrice: s8(last ? low : 0), volume: s8(volume),
      quoteVolume: s8(0), openTime: first?.time ?? now, closeTime: now - 1, firstId: -1, lastId: -1, count: 0,
    }
  })
}

function newOrder(ctx: TwinContext, p: URLSearchParams): unknown {
  const order = ctx.engine.place({
    symbol: p.get('symbol') ?? undefined,
    side: p.get('side') ?? undefined,
    type: p.get('type') ?? undefined,
    timeInForce: p.get('timeInForce') ?? undefined,
    quantity: decimalParam(p.get('quantity') ?? undefined),
    quoteOrderQty: decimalParam(p.get('quoteOrderQty') ?? undefined),
    price: decimalParam(p.get('price') ?? undefined),
    newClientOrderId: p.get('newClientOrderId') ?? undefined,
  })
  const resp = p.get('newOrderRespType') ?? 'FULL'
  if (resp === 'ACK') return {symbol: order.symbol, orderId: order.orderId, orderListId: -1, clientOrderId: order.clientOrderId, transactTime: order.time}
  const json = newOrderJson(order)
  if (resp === 'RESULT') delete json.fills
  return json
}

function allOrders(ctx: TwinContext, p: URLSearchParams): unknown {
  const {sym} = ctx.engine.symbolOf(p.get('symbol') ?? undefined)
  const fromId = int(p, 'orderId') ?? 0
  const start = int(p, 'startTime') ?? -Infinity
  const end = int(p, 'endTime') ?? Infinity
  const limit = Math.min(1000, int(p, 'limit') ?? 500)
  return ctx.engine.orders
    .filter((o) => o.symbol === sym.id && o.orderId >= fromId && o.time >= start && o.time <= end)
    .slice(0, limit)
    .map(orderJson)
}

function myTrades(ctx: TwinContext, p: URLSearchParams): unknown {
  const {sym} = ctx.engine.symbolOf(p.get('symbol') ?? undefined)
  const orderId = int(p, 'orderId')
  const fromId = int(p, 'fromId') ?? 0
  const start = int(p, 'startTime') ?? -Infinity
  const end = int(p, 'endTime') ?? Infinity
  const limit = Math.min(1000, int(p, 'limit') ?? 500)
  return ctx.engine.trades
    .filter((t) => t.symbol === sym.id && t.id >= fromId && t.time >= start && t.time <= end && (orderId === undefined || t.orderId === orderId))
    .slice(0, limit)
    .map(tradeJson)
}

function perSymbol(ctx: TwinContext, p: URLSearchParams, one: (index: number, id: string) => unknown): unknown {
  const symbol = p.get('symbol')
  if (symbol !== null) {
    const {index, sym} = ctx.engine.symbolOf(symbol)
    return one(index, sym.id)
  }
  return ctx.settings.symbols.map((s, i) => one(i, s.id))
}

function ref(p: URLSearchParams): {orderId?: number; origClientOrderId?: string} {
  return {orderId: int(p, 'orderId'), origClientOrderId: p.get('origClientOrderId') ?? undefined}
}

function int(p: URLSearchParams, name: string): number | undefined {
  const v = p.get(name)
  if (v === null || v === '') return undefined
  if (!/^-?\d+$/.test(v)) throw E.badParam(name)
  return Number(v)
}

function listenKey(ctx: TwinContext, p: URLSearchParams): string {
  const key = p.get('listenKey')
  if (key === null) throw E.missingParam('listenKey')
  if (!ctx.listenKeys.has(key)) throw new E.BinanceError(400, -1125, 'This listenKey does not exist.')
  return key
}
