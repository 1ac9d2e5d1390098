/**
 * GET /api/v3/exchangeInfo: one spot market per symbol, with the filters ccxt turns into
 * `precision` and `limits` (binance.js parseMarket: PRICE_FILTER tickSize → precision.price,
 * LOT_SIZE stepSize/minQty → precision.amount/limits.amount.min, NOTIONAL or MIN_NOTIONAL
 * minNotional → limits.cost.min). Only LIMIT and MARKET are listed in `orderTypes`, so ccxt itself
 * refuses other order types before sending them.
 */
import {s8} from './numbers.js'
import type {TwinSettings} from './options.js'

export function exchangeInfo(s: TwinSettings, serverTime: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      {rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000},
      {rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100},
      {rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000},
    ],
    exchangeFilters: [],
    symbols: s.symbols.map((sym) => {
      const r = s.rules.get(sym.id)!
      const notional =
        s.notionalFilter === 'NOTIONAL'
          ? {filterType: 'NOTIONAL', minNotional: s8(r.minNotional), applyMinToMarket: true, maxNotional: s8(9000000), applyMaxToMarket: false, avgPriceMins: 0}
          : {filterType: 'MIN_NOTIONAL', minNotional: s8(r.minNotional), applyToMarket: true, avgPriceMins: 0}
      return {
        symbol: sym.id, status: 'TRADING', baseAsset: sym.base, baseAssetPrecision: 8, quoteAsset: sym.quote,
        quotePrecision: 8, quoteAssetPrecision: 8, baseCommissionPrecision: 8, quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'MARKET'], icebergAllowed: false, ocoAllowed: false, otoAllowed: false,
        quoteOrderQtyMarketAllowed: true, allowTrailingStop: false, cancelReplaceAllowed: false, amendAllowed: false,
        isSpotTradingAllowed: true, isMarginTradingAllowed: false,
        filters: [
          {filterType: 'PRICE_FILTER', minPrice: s8(r.tickSize), maxPrice: s8(1000000), tickSize: s8(r.tickSize)},
          {filterType: 'LOT_SIZE', minQty: s8(r.minQty), maxQty: s8(9000000), stepSize: s8(r.stepSize)},
          notional,
        ],
        permissions: [], permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER', allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      }
    }),
  }
}
