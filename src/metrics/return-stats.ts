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
