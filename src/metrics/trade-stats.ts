/**
 * Figures over closed round-trip trades (net of commissions). Positions still open at the end are
 * not trades and do not count here. A trade's return is its net P&L over the capital it committed:
 * netPnl / (entryPrice × quantity × multiplier) — for a long trade without costs, exit / entry − 1
 * (the multiplier, a futures contract's size, is in the P&L and so in the capital too).
 */
import type {Trade} from '../model/trade.js'

export interface TradeStats {
  trades: number
  wins: number
  losses: number
  /** Share of trades with a net P&L > 0 (NaN without trades). A trade at exactly 0 is neither win nor loss. */
  winRate: number
  /** Mean net P&L of the winners / of the losers (a negative number). */
  avgWin: number
  avgLoss: number
  grossProfit: number
  /** Σ net P&L of the losers, as a positive number. */
  grossLoss: number
  /** grossProfit / grossLoss; Infinity with wins and no losses, NaN with neither. */
  profitFactor: number
  /** Mean net P&L per trade (= winRate × avgWin + lossRate × avgLoss). */
  expectancy: number
  /** Arithmetic mean of the trades' returns. */
  avgTradeReturn: number
  bestTradePnl: number
  worstTradePnl: number
  bestTradeReturn: number
  worstTradeReturn: number
  /** Mean and longest time from entry fill to exit fill, ms. */
  avgHoldingMs: number
  maxHoldingMs: number
  /** System quality number: √n × mean(net P&L) / sample sd(net P&L). */
  sqn: number
}

export function tradeReturn(t: Pick<Trade, 'netPnl' | 'entryPrice' | 'quantity' | 'multiplier'>): number {
  return returnOnEntry(t.netPnl, t.entryPrice, t.quantity, t.multiplier)
}

/** A trade's return from its figures alone (for trades held as columns, no object per trade). */
export function returnOnEntry(netPnl: number, entryPrice: number, quantity: number, multiplier = 1): number {
  return netPnl / (entryPrice * quantity * multiplier)
}

export function tradeStats(trades: readonly Trade[]): TradeStats {
  return tradeStatsOf({
    count: trades.length,
    netPnl: (i) => trades[i].netPnl,
    entryPrice: (i) => trades[i].entryPrice,
    quantity: (i) => trades[i].quantity,
    multiplier: (i) => trades[i].multiplier ?? 1,
    entryTime: (i) => trades[i].entryTime,
    exitTime: (i) => trades[i].exitTime,
  })
}

/** The fields the figures read, by trade index: Trade objects and packed columns (sweeps) alike. */
export interface TradeFields {
  count: number
  netPnl(i: number): number
  entryPrice(i: number): number
  quantity(i: number): number
  /** The trade's contract multiplier (1 for a plain unit). */
  multiplier(i: number): number
  entryTime(i: number): number
  exitTime(i: number): number
}

/** `tradeStats` over any trade layout: one loop, in trade order, so every layout gives the same doubles. */
export function tradeStatsOf(t: TradeFields): TradeStats {
  const n = t.count
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
  const pnls = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const pnl = t.netPnl(i)
    pnls[i] = pnl
    if (pnl > 0) {
      wins++
      grossProfit += pnl
    } else if (pnl < 0) {
      losses++
      grossLoss -= pnl
    }
    const ret = returnOnEntry(pnl, t.entryPrice(i), t.quantity(i), t.multiplier(i))
    sumReturn += ret
    const hold = t.exitTime(i) - t.entryTime(i)
    sumHold += hold
    if (hold > maxHold) maxHold = hold
    if (pnl > bestPnl) bestPnl = pnl
    if (pnl < worstPnl) worstPnl = pnl
    if (ret > bestRet) bestRet = ret
    if (ret < worstRet) worstRet = ret
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
    profitFactor: ratioOfSums(grossProfit, grossLoss),
    expectancy: n ? (grossProfit - grossLoss) / n : NaN,
    avgTradeReturn: n ? sumReturn / n : NaN,
    bestTradePnl: bestPnl,
    worstTradePnl: worstPnl,
    bestTradeReturn: bestRet,
    worstTradeReturn: worstRet,
    avgHoldingMs: n ? sumHold / n : NaN,
    maxHoldingMs: maxHold,
    sqn: n > 1 ? (Math.sqrt(n) * mean(pnls)) / sampleStdev(pnls) : NaN,
  }
}

/** Σ positive values / |Σ negative values|, the profit factor of any list (P&L or returns). */
export function profitFactorOf(values: ArrayLike<number>): number {
  let up = 0
  let down = 0
  for (let i = 0; i < values.length; i++) {
    if (values[i] > 0) up += values[i]
    else if (values[i] < 0) down -= values[i]
  }
  return ratioOfSums(up, down)
}

function ratioOfSums(up: number, down: number): number {
  if (down > 0) return up / down
  return up > 0 ? Infinity : NaN
}

function mean(xs: Float64Array): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length
}

function sampleStdev(xs: Float64Array): number {
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))
}
