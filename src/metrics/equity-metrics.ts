/**
 * Figures of an equity curve: returns, risk and drawdowns. Used for the strategy and, on its own
 * curve, for the buy-and-hold benchmark, so the two columns are computed the same way.
 *
 * With P = periods (bars) per year (see annualisation.ts), rf = the annual risk-free rate and
 * rf_p = (1 + rf)^(1/P) − 1 its per-bar equivalent:
 * - totalReturn = final / initial − 1
 * - years = bars / P;  cagr = (final / initial)^(1/years) − 1
 * - volatility = sample sd of per-bar returns × √P
 * - sharpe = (mean per-bar return − rf_p) / sample sd × √P
 * - sortino = (mean per-bar return − rf_p) / downside deviation below rf_p × √P
 * - calmar = cagr / max drawdown
 */
import {drawdowns} from './drawdown.js'
import {annualisedRatio, cagr, perPeriodRate, returnStats, returnStatsPair, type ReturnStats} from './return-stats.js'

export interface EquityMetrics {
  initialValue: number
  finalValue: number
  peakValue: number
  totalReturn: number
  years: number
  cagr: number
  volatility: number
  sharpe: number
  sortino: number
  calmar: number
  maxDrawdown: number
  maxDrawdownPeak: number | null
  maxDrawdownTrough: number | null
  maxDrawdownRecovery: number | null
  maxDrawdownDurationMs: number
  maxDrawdownDurationBars: number
  longestDrawdownMs: number
  longestDrawdownBars: number
}

/** The figures that need only the curve's end points, peak, return statistics and deepest drawdown (the sweep's one-pass metrics share them). */
export type ReturnFigures = Pick<EquityMetrics, 'initialValue' | 'finalValue' | 'peakValue' | 'totalReturn' | 'years' | 'cagr' | 'volatility' | 'sharpe' | 'sortino' | 'calmar' | 'maxDrawdown'>

export function returnFigures(o: {initial: number; final: number; peak: number; bars: number; periodsPerYear: number; rfp: number; returns: {mean: number; stdev: number; downside: number}; maxDepth: number}): ReturnFigures {
  const ppy = o.periodsPerYear
  const {mean, stdev, downside} = o.returns
  const years = o.bars / ppy
  const growth = cagr(o.initial, o.final, years)
  return {
    initialValue: o.initial,
    finalValue: o.final,
    peakValue: o.peak,
    totalReturn: o.final / o.initial - 1,
    years,
    cagr: growth,
    volatility: stdev * Math.sqrt(ppy),
    sharpe: annualisedRatio(mean - o.rfp, stdev, ppy),
    sortino: annualisedRatio(mean - o.rfp, downside, ppy),
    calmar: o.maxDepth > 0 ? growth / o.maxDepth : NaN,
    maxDrawdown: o.maxDepth,
  }
}

/**
 * `returns`: returnStats(initial, value, perPeriodRate(riskFreeRate, periodsPerYear)) when the
 * caller has it already (equityMetricsPair).
 */
export function equityMetrics(initial: number, time: ArrayLike<number>, value: ArrayLike<number>, periodsPerYear: number, riskFreeRate = 0, returns?: ReturnStats): EquityMetrics {
  const n = value.length
  const rfp = perPeriodRate(riskFreeRate, periodsPerYear)
  const r = returns ?? returnStats(initial, value, rfp)
  const dd = drawdowns(initial, time, value)
  const final = n ? value[n - 1] : initial
  const peak = dd.peak
  const finite = (t: number) => (Number.isFinite(t) ? t : null)
  return {
    ...returnFigures({initial, final, peak, bars: n, periodsPerYear, rfp, returns: r, maxDepth: dd.max.depth}),
    maxDrawdownPeak: finite(dd.max.peakTime),
    maxDrawdownTrough: finite(dd.max.troughTime),
    maxDrawdownRecovery: dd.max.recoveryTime,
    maxDrawdownDurationMs: dd.max.durationMs,
    maxDrawdownDurationBars: dd.max.durationBars,
    longestDrawdownMs: dd.longest.durationMs,
    longestDrawdownBars: dd.longest.durationBars,
  }
}

/**
 * equityMetrics of two curves over the same times (a run and its buy-and-hold), the same figures:
 * their returns in one loop (returnStatsPair), where the second runs in the first one's shadow.
 */
export function equityMetricsPair(initial: number, time: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, periodsPerYear: number, riskFreeRate = 0): [EquityMetrics, EquityMetrics] {
  const [ra, rb] = returnStatsPair(initial, a, b, perPeriodRate(riskFreeRate, periodsPerYear))
  return [equityMetrics(initial, time, a, periodsPerYear, riskFreeRate, ra), equityMetrics(initial, time, b, periodsPerYear, riskFreeRate, rb)]
}
