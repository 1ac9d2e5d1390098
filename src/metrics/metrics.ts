/**
 * Every metric of a run, strategy and buy-and-hold side by side. Formulas: README.md in this
 * folder. The result is plain data: JSON.stringify writes NaN and ±Infinity as null.
 */
import type {Bars} from '../model/bars.js'
import type {BacktestResult} from '../engine/result.js'
import {activityStatsOf, type ActivityStats} from './activity.js'
import {buyAndHoldEquity} from './buy-and-hold.js'
import {equityMetrics, equityMetricsPair, type EquityMetrics} from './equity-metrics.js'
import {monthlyReturns, type MonthlyReturn} from './monthly.js'
import type {TradeStats} from './trade-stats.js'
import {resultTradeStats} from './trade-log-stats.js'
import {fillFieldsOf} from '../model/run-columns.js'

export interface MetricsSettings {
  /** Annual risk-free rate (0.02 = 2%), compounded down to a per-bar rate. */
  riskFreeRate: number
  periodsPerYear: number
  /** How periodsPerYear was found, in words. */
  annualisation: string
  /** Market time zone of the monthly table. */
  timezone: string
}

export type StrategyMetrics = EquityMetrics & TradeStats & ActivityStats & {openPositions: number}
export type BenchmarkMetrics = EquityMetrics & Pick<ActivityStats, 'exposure'>

export interface Metrics {
  settings: MetricsSettings
  period: {start: number; end: number; bars: number}
  strategy: StrategyMetrics
  benchmark: BenchmarkMetrics
  monthly: {strategy: MonthlyReturn[]; benchmark: MonthlyReturn[]}
}

export interface MetricsInput {
  result: Pick<BacktestResult, 'initialCash' | 'equity' | 'trades' | 'fills' | 'positions' | 'start' | 'end' | 'multipliers'>
  /** The bars the run used (for buy-and-hold). */
  bars: readonly Bars[]
  settings: MetricsSettings
  /** The buy-and-hold curve when already computed (`buyAndHoldEquity`). */
  benchmark?: Float64Array
  /** Buy-and-hold's figures when already computed (`benchmarkMetrics`): the same for every run of a sweep. */
  benchmarkMetrics?: BenchmarkPart
}

export interface BenchmarkPart {
  metrics: BenchmarkMetrics
  monthly: MonthlyReturn[]
}

export function computeMetrics({result: r, bars, settings, benchmark, benchmarkMetrics}: MetricsInput): Metrics {
  const {time, value} = r.equity
  const {periodsPerYear, riskFreeRate} = settings
  let own: EquityMetrics
  let b: BenchmarkPart
  if (benchmarkMetrics) {
    own = equityMetrics(r.initialCash, time, value, periodsPerYear, riskFreeRate)
    b = benchmarkMetrics
  } else {
    const curve = benchmark ?? buyAndHoldEquity(bars, time, r.initialCash)
    const [strategy, buyAndHold] = equityMetricsPair(r.initialCash, time, value, curve, periodsPerYear, riskFreeRate)
    own = strategy
    b = benchmarkPart(r.initialCash, time, curve, settings, buyAndHold)
  }
  return {
    settings,
    period: {start: r.start, end: r.end, bars: time.length},
    strategy: {
      ...own,
      ...resultTradeStats(r),
      ...activityStatsOf(fillFieldsOf(r), time, value, r.multipliers),
      openPositions: r.positions.length,
    },
    benchmark: b.metrics,
    monthly: {strategy: monthlyReturns(r.initialCash, time, value, settings.timezone), benchmark: b.monthly},
  }
}

/** Buy-and-hold's figures from its curve (`figures`: its equityMetrics, when already computed). */
export function benchmarkPart(initialCash: number, time: Float64Array, benchmark: Float64Array, settings: MetricsSettings, figures?: EquityMetrics): BenchmarkPart {
  return {
    metrics: {...(figures ?? equityMetrics(initialCash, time, benchmark, settings.periodsPerYear, settings.riskFreeRate)), exposure: time.length ? 1 : NaN},
    monthly: monthlyReturns(initialCash, time, benchmark, settings.timezone),
  }
}

export {buyAndHoldEquity}
