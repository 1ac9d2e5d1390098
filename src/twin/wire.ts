/**
 * The JSON shapes Binance spot sends, built from the twin's state. Field names and string/number
 * types follow Binance's REST and WebSocket docs (the shapes ccxt's binance.js `parseOrder`,
 * `parseTrade`, `parseOHLCV`, `parseBalance` and pro/binance.js `parseWsOrder`, `handleOHLCV`,
 * `handleBalance` read).
 */
import type {Balance} from './account.js'
import type {Bar} from './market-data.js'
import {s8} from './numbers.js'
import type {Execution, TwinOrder, TwinTrade} from './order-engine.js'

const STP = 'EXPIRE_MAKER'

/** GET /api/v3/order, openOrders, allOrders. */
export function orderJson(o: TwinOrder): Record<string, unknown> {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId,
    price: s8(o.price), origQty: s8(o.origQty), executedQty: s8(o.executedQty), cummulativeQuoteQty: s8(o.quoteQty),
    status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side,
    stopPrice: s8(0), icebergQty: s8(0), time: o.time, updateTime: o.updateTime,
    isWorking: true, workingTime: o.time, origQuoteOrderQty: s8(o.quoteOrderQty), selfTradePreventionMode: STP,
  }
}

/** POST /api/v3/order with newOrderRespType FULL. Orders fill on later bars, so `fills` is empty here. */
export function newOrderJson(o: TwinOrder, fills: TwinTrade[] = []): Record<string, unknown> {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time,
    price: s8(o.price), origQty: s8(o.origQty), executedQty: s8(o.executedQty), origQuoteOrderQty: s8(o.quoteOrderQty),
    cummulativeQuoteQty: s8(o.quoteQty), status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side,
    workingTime: o.time, selfTradePreventionMode: STP,
    fills: fills.map((t) => ({price: s8(t.price), qty: s8(t.qty), commission: s8(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id})),
  }
}

/** DELETE /api/v3/order. */
export function canceledOrderJson(o: TwinOrder, transactTime: number): Record<string, unknown> {
  return {
    symbol: o.symbol, origClientOrderId: o.clientOrderId, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId,
    transactTime, price: s8(o.price), origQty: s8(o.origQty), executedQty: s8(o.executedQty),
    cummulativeQuoteQty: s8(o.quoteQty), status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side,
    selfTradePreventionMode: STP,
  }
}

/** GET /api/v3/myTrades rows. */
export function tradeJson(t: TwinTrade): Record<string, unknown> {
  return {
    symbol: t.symbol, id: t.id, orderId: t.orderId, orderListId: -1, price: s8(t.price), qty: s8(t.qty),
    quoteQty: s8(t.quoteQty), commission: s8(t.commission), commissionAsset: t.commissionAsset, time: t.time,
    isBuyer: t.isBuyer, isMaker: t.isMaker, isBestMatch: true,
  }
}

/** GET /api/v3/klines row: a released (closed) bar. */
export function klineRow(b: Bar, timeframeMs: number): unknown[] {
  return [b.time, s8(b.open), s8(b.high), s8(b.low), s8(b.close), s8(b.volume), b.time + timeframeMs - 1,
    s8(b.volume * b.close), 0, s8(0), s8(0), '0']
}

/** `<symbol>@kline_<interval>` stream event; the twin sends each bar once, closed (`x: true`). */
export function klineEvent(symbolId: string, interval: string, b: Bar, timeframeMs: number, eventTime: number): Record<string, unknown> {
  return {
    e: 'kline', E: eventTime, s: symbolId,
    k: {
      t: b.time, T: b.time + timeframeMs - 1, s: symbolId, i: interval, f: -1, L: -1,
      o: s8(b.open), c: s8(b.close), h: s8(b.high), l: s8(b.low), v: s8(b.volume), n: 0, x: true,
      q: s8(b.volume * b.close), V: s8(0), Q: s8(0), B: '0',
    },
  }
}

/** User data stream `executionReport`. */
export function executionReport(x: Execution): Record<string, unknown> {
  const o = x.order
  const t = x.trade
  return {
    e: 'executionReport', E: x.time, s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce,
    q: s8(o.origQty), p: s8(o.price), P: s8(0), F: s8(0), g: -1, C: x.type === 'CANCELED' ? o.clientOrderId : '',
    x: x.type, X: o.status, r: 'NONE', i: o.orderId,
    l: s8(t?.qty ?? 0), z: s8(o.executedQty), L: s8(t?.price ?? 0), n: s8(t?.commission ?? 0), N: t ? t.commissionAsset : null,
    T: x.time, t: t ? t.id : -1, I: 0, w: o.status === 'NEW' || o.status === 'PARTIALLY_FILLED', m: t?.isMaker ?? false, M: false,
    O: o.time, Z: s8(o.quoteQty), Y: s8(t?.quoteQty ?? 0), Q: s8(o.quoteOrderQty), W: o.time, V: STP,
  }
}

/** User data stream `outboundAccountPosition`: the assets whose balance changed. */
export function accountPosition(balances: Balance[], time: number): Record<string, unknown> {
  return {e: 'outboundAccountPosition', E: time, u: time, B: balances.map((b) => ({a: b.asset, f: s8(b.free), l: s8(b.locked)}))}
}

/** GET /api/v3/account. */
export function accountJson(balances: Balance[], commissionRate: number, time: number): Record<string, unknown> {
  const bps = Math.round(commissionRate * 10_000)
  const rate = s8(commissionRate)
  return {
    makerCommission: bps, takerCommission: bps, buyerCommission: 0, sellerCommission: 0,
    commissionRates: {maker: rate, taker: rate, buyer: s8(0), seller: s8(0)},
    canTrade: true, canWithdraw: false, canDeposit: false, brokered: false, requireSelfTradePrevention: false,
    preventSor: false, updateTime: time, accountType: 'SPOT',
    balances: balances.map((b) => ({asset: b.asset, free: s8(b.free), locked: s8(b.locked)})),
    permissions: ['SPOT'], uid: 1,
  }
}
