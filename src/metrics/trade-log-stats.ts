/**
 * tradeStats (trade-stats.ts) over a TradeLog's columns instead of Trade objects: the engine's
 * runs and a sweep's vector runs keep their trades there. The same loop (`tradeStatsOf`), so the
 * same doubles; test/sweep/vector-sma-cross.test.ts and test/engine/run-columns.test.ts compare
 * the two through the whole metrics object.
 */
import {tradeStats, tradeStatsOf, type TradeStats} from './trade-stats.js'
import {TRADE_FIELDS} from '../model/packed-trades.js'
import {tradeColumns} from '../model/run-columns.js'
import type {Trade} from '../model/trade.js'
import type {TradeLog} from '../model/trade-log.js'

export function tradeLogStats(log: TradeLog): TradeStats {
  const v = log.values
  return tradeStatsOf({
    count: log.count,
    quantity: (i) => v[i * TRADE_FIELDS + 1],
    multiplier: (i) => log.multiplierOf(i),
    entryTime: (i) => v[i * TRADE_FIELDS + 2],
    entryPrice: (i) => v[i * TRADE_FIELDS + 3],
    exitTime: (i) => v[i * TRADE_FIELDS + 4],
    netPnl: (i) => v[i * TRADE_FIELDS + 8],
  })
}

/** A result's trade figures: from its columns when it has them (model/run-columns.ts; no Trade object made), else from its objects. */
export function resultTradeStats(result: {trades: readonly Trade[]}): TradeStats {
  const columns = tradeColumns(result)
  return columns ? tradeLogStats(columns.log) : tradeStats(result.trades)
}
