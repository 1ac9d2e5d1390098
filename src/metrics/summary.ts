import type {BacktestResult} from '../engine/result.js'

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
  /** Used for the annualisation: given, or bars ÷ the run's length in years of 365.25 days. */
  barsPerYear: number
  trades: number
  /** Share of closed trades with a positive net P&L (NaN without trades). */
  winRate: number
}

type Input = Pick<BacktestResult, 'initialCash' | 'finalValue' | 'equity' | 'start' | 'end' | 'trades'>

/** The headline figures of a run. A fuller metrics module comes later; these are its anchors. */
export function summarize(r: Input, opts: {barsPerYear?: number} = {}): Summary {
  const v = r.equity.value
  const n = v.length
  let peak = r.initialCash
  let maxDrawdown = 0
  let prev = r.initialCash
  let sum = 0
  let sumSq = 0
  for (let i = 0; i < n; i++) {
    if (v[i] > peak) peak = v[i]
    const dd = peak > 0 ? (peak - v[i]) / peak : 0
    if (dd > maxDrawdown) maxDrawdown = dd
    const ret = v[i] / prev - 1
    sum += ret
    sumSq += ret * ret
    prev = v[i]
  }
  const years = (r.end - r.start) / YEAR_MS
  const barsPerYear = opts.barsPerYear ?? (years > 0 ? n / years : NaN)
  const mean = n > 0 ? sum / n : NaN
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : NaN
  const sd = Math.sqrt(Math.max(0, variance))
  const wins = r.trades.filter((t) => t.netPnl > 0).length
  return {
    totalReturn: r.finalValue / r.initialCash - 1,
    maxDrawdown,
    sharpe: n > 1 && sd > 0 ? (mean / sd) * Math.sqrt(barsPerYear) : NaN,
    barsPerYear,
    trades: r.trades.length,
    winRate: r.trades.length ? wins / r.trades.length : NaN,
  }
}
