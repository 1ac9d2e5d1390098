/**
 * Per-bar returns of an equity curve and the moments built on them, in one pass over the typed
 * array (hot: a million bars per sweep run). No array of returns is allocated.
 *
 * Return of bar i: r_i = v_i / v_{i−1} − 1, with v_{−1} = the initial cash, so a curve of n bars
 * has n returns and the first one measures the first bar against the money put in.
 */
export interface ReturnStats {
  /** Number of returns (= bars). */
  n: number
  /** Arithmetic mean of r_i. */
  mean: number
  /** Sample standard deviation (n − 1 in the denominator) of r_i; NaN below two returns. */
  stdev: number
  /**
   * Downside deviation against `target` (per bar): √(Σ min(r_i − target, 0)² / n), all n returns
   * in the denominator (Sortino & Price), NaN without returns.
   */
  downside: number
  /** Geometric mean: (v_{n−1} / v_{−1})^(1/n) − 1. */
  geometricMean: number
}

export function returnStats(initial: number, value: ArrayLike<number>, target = 0): ReturnStats {
  const n = value.length
  let prev = initial
  // Welford's running mean and sum of squared deviations: stable for long, near-constant curves.
  let mean = 0
  let m2 = 0
  let down = 0
  for (let i = 0; i < n; i++) {
    const v = value[i]
    // v / v − 1 is exactly 0 for a finite non-zero v: one division fewer per flat bar (a curve is
    // flat whenever nothing is held), the same double (0 / 0 and ∞ / ∞ are divided, giving NaN).
    const r = v === prev && v !== 0 && v - v === 0 ? 0 : v / prev - 1
    prev = v
    const delta = r - mean
    mean += delta / (i + 1)
    m2 += delta * (r - mean)
    const below = r - target
    if (below < 0) down += below * below
  }
  return statsOf(initial, value, mean, m2, down)
}

/**
 * returnStats of two curves of the same length, in one loop: each curve's figures are the very
 * doubles returnStats gives (the same operations in the same order; test/metrics/return-stats.test.ts).
 * Why: the loop is bound by the latency of its running mean (a subtraction, a division and an
 * addition, each waiting for the last), not by the processor's throughput, so a second curve's
 * chain runs in the first one's shadow: a sweep computes two runs' figures in ~0.6–0.8 of the time
 * of two calls. Three or four chains in one loop measured slower (registers run out).
 */
export function returnStatsPair(initial: number, a: ArrayLike<number>, b: ArrayLike<number>, target = 0): [ReturnStats, ReturnStats] {
  const n = a.length
  if (b.length !== n) throw new Error(`bug: returnStatsPair of curves of ${n} and ${b.length} points`)
  let prevA = initial
  let meanA = 0
  let m2A = 0
  let downA = 0
  let prevB = initial
  let meanB = 0
  let m2B = 0
  let downB = 0
  for (let i = 0; i < n; i++) {
    const k = i + 1
    const va = a[i]
    const ra = va === prevA && va !== 0 && va - va === 0 ? 0 : va / prevA - 1
    prevA = va
    const deltaA = ra - meanA
    meanA += deltaA / k
    m2A += deltaA * (ra - meanA)
    const belowA = ra - target
    if (belowA < 0) downA += belowA * belowA
    const vb = b[i]
    const rb = vb === prevB && vb !== 0 && vb - vb === 0 ? 0 : vb / prevB - 1
    prevB = vb
    const deltaB = rb - meanB
    meanB += deltaB / k
    m2B += deltaB * (rb - meanB)
    const belowB = rb - target
    if (belowB < 0) downB += belowB * belowB
  }
  return [statsOf(initial, a, meanA, m2A, downA), statsOf(initial, b, meanB, m2B, downB)]
}

function statsOf(initial: number, value: ArrayLike<number>, mean: number, m2: number, down: number): ReturnStats {
  const n = value.length
  return {
    n,
    mean: n > 0 ? mean : NaN,
    stdev: n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN,
    downside: n > 0 ? Math.sqrt(down / n) : NaN,
    geometricMean: n > 0 && initial > 0 && value[n - 1] > 0 ? (value[n - 1] / initial) ** (1 / n) - 1 : NaN,
  }
}

/** The per-bar rate equivalent to an annual one, compounded: (1 + annual)^(1/periods) − 1. */
export function perPeriodRate(annual: number, periodsPerYear: number): number {
  return annual === 0 ? 0 : (1 + annual) ** (1 / periodsPerYear) - 1
}

/** Compound annual growth: (end / start)^(1/years) − 1; −1 when everything was lost, NaN without time. */
export function cagr(start: number, end: number, years: number): number {
  if (!(years > 0) || !(start > 0)) return NaN
  if (end <= 0) return -1
  return (end / start) ** (1 / years) - 1
}

/** Mean excess return over its deviation, scaled by √periods; NaN when the deviation is 0 or unknown. */
export function annualisedRatio(meanExcess: number, deviation: number, periodsPerYear: number): number {
  return deviation > 0 && Number.isFinite(meanExcess) ? (meanExcess / deviation) * Math.sqrt(periodsPerYear) : NaN
}
