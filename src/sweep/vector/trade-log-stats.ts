/**
 * tradeStats (src/metrics/trade-stats.ts) over a TradeLog's packed columns instead of Trade
 * objects: the same loop (`tradeStatsOf`), so the same doubles; test/sweep/vector-sma-cross.test.ts
 * compares the two through the whole metrics object.
 */
import {tradeStatsOf, type TradeStats} from '../../metrics/trade-stats.js'
import {TRADE_FIELDS} from '../../model/packed-trades.js'
import type {TradeLog} from './logs.js'

export function tradeLogStats(log: TradeLog): TradeStats {
  const v = log.values
  return tradeStatsOf({
    count: log.count,
    quantity: (i) => v[i * TRADE_FIELDS + 1],
    entryTime: (i) => v[i * TRADE_FIELDS + 2],
    entryPrice: (i) => v[i * TRADE_FIELDS + 3],
    exitTime: (i) => v[i * TRADE_FIELDS + 4],
    netPnl: (i) => v[i * TRADE_FIELDS + 8],
  })
}
