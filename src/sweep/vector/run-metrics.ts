/**
 * `computeMetrics` for the runs of a vector sweep, in two passes over the equity curve instead of
 * five (returns; then drawdowns, peak and the mean value together; activity between fills, not
 * per bar; month ends from boundaries found once), with what every run shares (the month
 * boundaries, the benchmark) worked out once per worker. It is not a second definition of the
 * metrics: every accumulator is the one in src/metrics/, the same expression in the same order,
 * so each figure is the same double (test/sweep/vector-sma-cross.test.ts compares the two objects,
 * key order included).
 */
import type {BenchmarkPart, Metrics, MetricsSettings, StrategyMetrics} from '../../metrics/metrics.js'
import {monthLasts, type MonthlyReturn} from '../../metrics/monthly.js'
import {perPeriodRate, returnStats, type ReturnStats} from '../../metrics/return-stats.js'
import {returnFigures} from '../../metrics/equity-metrics.js'
import {activityFigures} from '../../metrics/activity.js'
import type {FillLog} from '../../model/fill-log.js'
import type {VectorRunResult} from './account.js'
import {tradeLogStats} from '../../metrics/trade-log-stats.js'

export interface MetricsPlan {
  settings: MetricsSettings
  benchmark: BenchmarkPart
  /** Per calendar month of the run (market time zone): its year, month and last bar. */
  months: Array<{year: number; month: number; last: number}>
}

/** The per-bar target of the downside deviation (the risk-free rate per bar): returnStats' `target` for this plan's runs. */
export function returnTarget(plan: MetricsPlan): number {
  return perPeriodRate(plan.settings.riskFreeRate, plan.settings.periodsPerYear)
}

export function metricsPlan(time: Float64Array, settings: MetricsSettings, benchmark: BenchmarkPart): MetricsPlan {
  return {settings, benchmark, months: monthLasts(time, settings.timezone)}
}

const EPSILON = 1e-9 // activity.ts

/** `returns`: returnStats of the run's curve when already computed (a worker's runs go in pairs, returnStatsPair). */
export function runMetrics(plan: MetricsPlan, r: Pick<VectorRunResult, 'initialCash' | 'equity' | 'tradeLog' | 'fillLog' | 'positions' | 'start' | 'end' | 'symbols' | 'multipliers'>, returns?: ReturnStats): Metrics {
  const {settings} = plan
  const initial = r.initialCash
  const {time, value} = r.equity
  const n = value.length
  const ppy = settings.periodsPerYear
  const rfp = returnTarget(plan)

  // returnStats' loop is bound by its divisions: other work in the same loop slows it rather
  // than hiding in its shadow, so the drawdowns, peak and sum take a second pass.
  const rs = returns ?? returnStats(initial, value, rfp)
  const c = curvePass(initial, time, value, r.fillLog)
  const maxDepth = c[0]
  const maxPeakAt = c[1]
  const maxTroughAt = c[2]
  const maxEnd = c[3]
  const maxRecovered = c[4] === 1
  const longMs = c[5]
  const longBars = c[6]
  const peak = c[7]
  const sum = c[8]
  const final = n ? value[n - 1] : initial
  const maxMs = maxPeakAt < 0 ? 0 : time[maxEnd] - time[maxPeakAt]
  const finite = (t: number) => (Number.isFinite(t) ? t : null)
  const strategy: StrategyMetrics = {
    ...returnFigures({initial, final, peak, bars: n, periodsPerYear: ppy, rfp, returns: rs, maxDepth}),
    maxDrawdownPeak: maxPeakAt < 0 ? null : finite(time[maxPeakAt]),
    maxDrawdownTrough: maxPeakAt < 0 ? null : finite(time[maxTroughAt]),
    maxDrawdownRecovery: maxPeakAt >= 0 && maxRecovered ? time[maxEnd] : null,
    maxDrawdownDurationMs: maxMs,
    maxDrawdownDurationBars: maxPeakAt < 0 ? 0 : maxEnd - maxPeakAt,
    longestDrawdownMs: longMs,
    longestDrawdownBars: longBars,
    ...tradeLogStats(r.tradeLog),
    ...activity(r.fillLog, time, n > 0 ? sum / n : NaN, r.multipliers?.[r.symbols[0]] ?? 1),
    openPositions: r.positions.length,
  }
  return {
    settings,
    period: {start: r.start, end: r.end, bars: time.length},
    strategy,
    benchmark: plan.benchmark.metrics,
    monthly: {strategy: monthly(plan, initial, value), benchmark: plan.benchmark.monthly},
  }
}

// The curve pass's figures (no object per run): maxDepth, maxPeakAt, maxTroughAt, maxEnd,
// maxRecovered, longMs, longBars, peak, sum.
const CURVE = new Float64Array(9)

/**
 * drawdowns (eachSpell: the deepest and the longest spell), equityMetrics' peak and activity's
 * sum of values, in one loop of its own (inside runMetrics the optimiser made it several times slower).
 */
function curvePass(initial: number, time: Float64Array, value: Float64Array, fills: FillLog): Float64Array {
  const n = value.length
  // drawdowns (eachSpell): the current spell, and the deepest and longest closed ones.
  let ddPeak = initial
  let peakAt = 0
  let troughAt = 0
  let depth = 0
  // The value at the current spell's trough: a value not below it cannot deepen the spell (the
  // rounded (peak − v) / peak is monotone in v), so the division is skipped for it.
  let troughValue = initial
  let maxDepth = 0
  let maxPeakAt = -1
  let maxTroughAt = -1
  let maxEnd = -1
  let maxRecovered = 0
  let longDepth = 0
  let longMs = 0
  let longBars = 0
  // equityMetrics' peak, activity's sum of values.
  let peak = initial
  let sum = 0
  // Between two fills the account does not change; while flat its value is the cash, the same
  // at every bar: the first such bar takes the full step, the others can only move the peak's
  // position (a run of equal values at the peak ends at its last point) and add to the sum.
  let from = 0
  let position = 0
  for (let k = 0; k <= fills.count; k++) {
    const to = k < fills.count ? fills.bar[k] : n
    const flat = position === 0
    const stop = flat && to > from ? from + 1 : to
    for (let i = from; i < stop; i++) {
      const v = value[i]
      if (v >= ddPeak) {
        // A spell ends (recovered at i): the same as the close at the end below, inlined for the hot loop.
        if (depth > 0) {
          const ms = time[i] - time[peakAt]
          if (depth > maxDepth) {
            maxDepth = depth
            maxPeakAt = peakAt
            maxTroughAt = troughAt
            maxEnd = i
            maxRecovered = 1
          }
          if (ms > longMs || (ms === longMs && depth > longDepth)) {
            longDepth = depth
            longMs = ms
            longBars = i - peakAt
          }
        }
        peakAt = i
        ddPeak = v
        depth = 0
        troughAt = i
        troughValue = v
      } else if (v < troughValue) {
        const dd = (ddPeak - v) / ddPeak
        if (dd > depth) {
          depth = dd
          troughAt = i
          troughValue = v
        }
      }
      if (v > peak) peak = v
      sum += v
    }
    if (flat && to > from + 1) {
      const v = value[from]
      if (v >= ddPeak) {
        peakAt = to - 1
        troughAt = to - 1
      }
      for (let i = from + 1; i < to; i++) sum += v
    }
    if (k < fills.count) {
      position += fills.side[k] > 0 ? fills.quantity[k] : -fills.quantity[k]
      from = to
    }
  }
  if (n > 0 && depth > 0) {
    const ms = time[n - 1] - time[peakAt]
    if (depth > maxDepth) {
      maxDepth = depth
      maxPeakAt = peakAt
      maxTroughAt = troughAt
      maxEnd = n - 1
      maxRecovered = 0
    }
    if (ms > longMs || (ms === longMs && depth > longDepth)) {
      longDepth = depth
      longMs = ms
      longBars = n - 1 - peakAt
    }
  }

  const c = CURVE
  c[0] = maxDepth
  c[1] = maxPeakAt
  c[2] = maxTroughAt
  c[3] = maxEnd
  c[4] = maxRecovered
  c[5] = longMs
  c[6] = longBars
  c[7] = peak
  c[8] = sum
  return c
}

/** activityStats for one symbol's fills: bars in the market counted between fills, not bar by bar. */
/** `multiplier`: the run's one symbol's (a fill's notional is price × quantity × multiplier). */
function activity(fills: FillLog, time: Float64Array, meanValue: number, multiplier: number) {
  const n = time.length
  let position = 0
  let inMarket = 0
  let from = 0 // first bar not yet counted
  let open = false
  for (let k = 0; k < fills.count; k++) {
    // The fill counts from the first bar whose time has reached it: its own bar (stamped at its open).
    const i = fills.bar[k]
    if (open) inMarket += i - from
    from = i
    const q = fills.quantity[k]
    const after = position + (fills.side[k] > 0 ? q : -q)
    position = Math.abs(after) < EPSILON ? 0 : after
    open = position !== 0
  }
  if (open) inMarket += n - from
  let traded = 0
  let commissions = 0
  for (let k = 0; k < fills.count; k++) {
    traded += Math.abs(fills.price[k] * fills.quantity[k] * multiplier)
    commissions += fills.commission[k]
  }
  return activityFigures(n, inMarket, traded, commissions, meanValue)
}

/** monthlyReturns: each month's last value over the previous month's (the initial cash first), less 1. */
function monthly(plan: MetricsPlan, initial: number, value: Float64Array): MonthlyReturn[] {
  let prev = initial
  return plan.months.map((m) => {
    const v = value[m.last]
    const out = {year: m.year, month: m.month, return: v / prev - 1}
    prev = v
    return out
  })
}
