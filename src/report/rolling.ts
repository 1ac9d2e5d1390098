/**
 * Rolling Sharpe ratio and volatility of an equity curve for the report, over a window chosen from
 * the bar frequency: half a year of bars (126 daily bars; at least 20). Per-bar returns, the
 * risk-free rate converted per bar as the metrics do, annualised by √(bars a year); NaN before the
 * window is full. One pass with running sums.
 */
import {perPeriodRate} from '../metrics/return-stats.js'

export interface Rolling {
  /** Bars in the window. */
  window: number
  sharpe: Float64Array
  volatility: Float64Array
}

export function rollingWindow(periodsPerYear: number, bars: number): number {
  return Math.max(2, Math.min(Math.max(20, Math.round(periodsPerYear / 2)), Math.floor(bars / 2)))
}

/**
 * With bucket > 1, only the last point of each run of `bucket` points is kept (what a chart of
 * that resolution draws): the running sums still see every return.
 */
export function rolling(initial: number, value: ArrayLike<number>, periodsPerYear: number, riskFreeRate: number, window = rollingWindow(periodsPerYear, value.length), bucket = 1): Rolling {
  const n = value.length
  const points = Math.ceil(n / bucket)
  const sharpe = new Float64Array(points).fill(NaN)
  const volatility = new Float64Array(points).fill(NaN)
  const rf = perPeriodRate(riskFreeRate, periodsPerYear)
  // The return of point i, recomputed when it leaves the window (same expression, same double).
  const r = (i: number) => value[i] / (i === 0 ? initial : value[i - 1]) - 1 - rf
  let sum = 0
  let sumSq = 0
  for (let i = 0; i < n; i++) {
    const x = r(i)
    sum += x
    sumSq += x * x
    if (i >= window) {
      const old = r(i - window)
      sum -= old
      sumSq -= old * old
    }
    if (i >= window - 1 && window > 1 && ((i + 1) % bucket === 0 || i === n - 1)) {
      const k = Math.floor(i / bucket)
      const mean = sum / window
      const variance = Math.max(0, (sumSq - window * mean * mean) / (window - 1))
      const sd = Math.sqrt(variance)
      volatility[k] = sd * Math.sqrt(periodsPerYear)
      sharpe[k] = sd > 1e-12 ? (mean / sd) * Math.sqrt(periodsPerYear) : NaN
    }
  }
  return {window, sharpe, volatility}
}
