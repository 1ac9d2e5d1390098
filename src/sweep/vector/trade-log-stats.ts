/**
 * tradeStats (src/metrics/trade-stats.ts) over a TradeLog's columns instead of Trade objects: the
 * same accumulations in the same order (tradeReturn = netPnl / (entryPrice × quantity); sqn from
 * the mean and sample deviation of the net P&Ls, summed from 0 in trade order), so the same
 * doubles; test/sweep/vector-sma-cross.test.ts compares the two through the whole metrics object.
 */
import type {TradeStats} from '../../metrics/trade-stats.js'
import {TRADE_FIELDS} from '../packed-trades.js'
import type {TradeLog} from './logs.js'

export function tradeLogStats(log: TradeLog): TradeStats {
  const n = log.count
  const v = log.values
  let wins = 0
  let losses = 0
  let grossProfit = 0
  let grossLoss = 0
  let sumReturn = 0
  let sumHold = 0
  let maxHold = n ? -Infinity : NaN
  let bestPnl = n ? -Infinity : NaN
  let worstPnl = n ? Infinity : NaN
  let bestRet = n ? -Infinity : NaN
  let worstRet = n ? Infinity : NaN
  let sumPnl = 0
  for (let o = 0; o < n * TRADE_FIELDS; o += TRADE_FIELDS) {
    const pnl = v[o + 8]
    if (pnl > 0) {
      wins++
      grossProfit += pnl
    } else if (pnl < 0) {
      losses++
      grossLoss -= pnl
    }
    const ret = pnl / (v[o + 3] * v[o + 1])
    sumReturn += ret
    const hold = v[o + 4] - v[o + 2]
    sumHold += hold
    if (hold > maxHold) maxHold = hold
    if (pnl > bestPnl) bestPnl = pnl
    if (pnl < worstPnl) worstPnl = pnl
    if (ret > bestRet) bestRet = ret
    if (ret < worstRet) worstRet = ret
    sumPnl = sumPnl + pnl
  }
  let sqn = NaN
  if (n > 1) {
    const m = sumPnl / n
    let squares = 0
    for (let o = 0; o < n * TRADE_FIELDS; o += TRADE_FIELDS) squares = squares + (v[o + 8] - m) ** 2
    sqn = (Math.sqrt(n) * m) / Math.sqrt(squares / (n - 1))
  }
  return {
    trades: n,
    wins,
    losses,
    winRate: n ? wins / n : NaN,
    avgWin: wins ? grossProfit / wins : NaN,
    avgLoss: losses ? -grossLoss / losses : NaN,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : NaN,
    expectancy: n ? (grossProfit - grossLoss) / n : NaN,
    avgTradeReturn: n ? sumReturn / n : NaN,
    bestTradePnl: bestPnl,
    worstTradePnl: worstPnl,
    bestTradeReturn: bestRet,
    worstTradeReturn: worstRet,
    avgHoldingMs: n ? sumHold / n : NaN,
    maxHoldingMs: maxHold,
    sqn,
  }
}
