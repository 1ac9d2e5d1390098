import type {BacktestResult} from '../engine/result.js'
import {drawdowns} from './drawdown.js'
import {annualisedRatio, returnStats} from './return-stats.js'
import {resultTradeStats} from './trade-log-stats.js'

const YEAR_MS = 365.25 * 86_400_000

export interface Summary {
  /** finalValue / initialCash − 1 (0.05 = +5%). */
  totalReturn: number
  /** Largest fall from a running peak of the equity curve (initial cash included), as a fraction of that peak (0.2 = 20%). */
  maxDrawdown: number
  /**
   * Annualised Sharpe ratio, risk-free rate 0: mean / sample standard deviation of the per-bar
   * simple returns of the equity curve (the first against the initial cash), × √barsPerYear.
   * NaN with fewer than two returns or no variation.
   */
  sharpe: number
  /** Used for the annualisation: given (the run's market and timeframe, see annualisation.ts), else bars ÷ the run's length in years of 365.25 days. */
  barsPerYear: number
  trades: number
  /** Share of closed trades with a positive net P&L (NaN without trades). */
  winRate: number
}

type Input = Pick<BacktestResult, 'initialCash' | 'finalValue' | 'equity' | 'start' | 'end' | 'trades'>

/**
 * The headline figures of a run, from the same building blocks as `computeMetrics` (metrics.ts),
 * which has the full set and the buy-and-hold comparison.
 */
export function summarize(r: Input, opts: {barsPerYear?: number} = {}): Summary {
  const n = r.equity.value.length
  const years = (r.end - r.start) / YEAR_MS
  const barsPerYear = opts.barsPerYear ?? (years > 0 ? n / years : NaN)
  const s = returnStats(r.initialCash, r.equity.value)
  const {trades, wins} = resultTradeStats(r)
  return {
    totalReturn: r.finalValue / r.initialCash - 1,
    maxDrawdown: drawdowns(r.initialCash, r.equity.time, r.equity.value).max.depth,
    sharpe: n > 1 ? annualisedRatio(s.mean, s.stdev, barsPerYear) : NaN,
    barsPerYear,
    trades,
    winRate: trades ? wins / trades : NaN,
  }
}
