/**
 * Rolling Sharpe ratio and volatility of an equity curve for the report, over a window chosen from
 * the bar frequency: half a year of bars (126 daily bars; at least 20). Per-bar returns, the
 * risk-free rate converted per bar as the metrics do, annualised by √(bars a year); NaN before the
 * window is full. A window whose returns are all equal (a strategy holding nothing: every excess
 * return is −rf) has volatility 0 and no Sharpe (NaN, as the metrics give a ratio over a zero
 * deviation). One pass with running sums.
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
 * A per-bar deviation at or below this is the rounding noise of the returns themselves (each is
 * v / v' − 1, good to a few 1e-16), not a deviation a Sharpe ratio can be taken over.
 */
const NOISE_SD = 1e-12

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
  const annual = Math.sqrt(periodsPerYear)
  const sums = new WindowSums(window)
  for (let i = 0; i < n; i++) {
    sums.push(value[i] / (i === 0 ? initial : value[i - 1]) - 1 - rf)
    if (i >= window - 1 && window > 1 && ((i + 1) % bucket === 0 || i === n - 1)) {
      const k = Math.floor(i / bucket)
      const sd = Math.sqrt(sums.variance())
      volatility[k] = sd * annual
      sharpe[k] = sd > NOISE_SD ? (sums.mean() / sd) * annual : NaN
    }
  }
  return {window, sharpe, volatility}
}

/**
 * The sums are rebuilt when the window's squared deviations fall below this part of the largest
 * sum of squares held since the last rebuild. Their rounding, about an ulp of that largest sum a
 * bar, is then at most ~1e-10 of the deviations a bar.
 */
const CANCELLATION = 2 ** -20

/**
 * Running sums of the last `window` returns, for their mean and sample variance.
 *
 * Why not plain sums of x and x²: they cancel catastrophically when the mean dominates the
 * spread (with a risk-free rate, a flat stretch's returns are all −rf), and they keep the rounding
 * of every return that ever passed through them: after a volatile stretch a window of equal
 * returns was left a variance of ~1e-20, and the chart's Sharpe read −8.7 million. These are sums
 * of x − shift, shift being about the window's mean when they were last rebuilt, and they are
 * rebuilt from the window's returns every `window` bars (O(1) a bar, amortised) and when the
 * window's squared deviations have become a tiny part of what the sums held. A window of equal
 * returns, whose variance is exactly 0 whatever the rounding, is told by the run of equal returns.
 */
class WindowSums {
  /** The window's returns, oldest at `pos` once it is full. */
  private readonly ring: Float64Array
  private pos = 0
  private count = 0
  private shift = 0
  private sum = 0
  private sumSq = 0
  /** The largest sumSq since the last rebuild: the scale of the sums' rounding. */
  private peak = 0
  /** How many returns up to the last one pushed are equal to it (NaN equals nothing). */
  private equal = 0
  private last = NaN

  constructor(private readonly window: number) {
    this.ring = new Float64Array(window)
  }

  /** The next return comes in; the window's oldest leaves once it is full. */
  push(x: number): void {
    this.equal = x === this.last ? this.equal + 1 : 1
    this.last = x
    const d = x - this.shift
    this.sum += d
    this.sumSq += d * d
    if (this.count === this.window) {
      const old = this.ring[this.pos] - this.shift
      this.sum -= old
      this.sumSq -= old * old
    } else this.count++
    this.ring[this.pos] = x
    this.pos = this.pos + 1 === this.window ? 0 : this.pos + 1
    if (this.sumSq > this.peak) this.peak = this.sumSq
    // Each time the ring wraps (rounding is then kept from at most two windows' worth of returns),
    // and at every bar whatever the points asked for, so the figures do not depend on `bucket`.
    if (this.pos === 0 || this.cancelled()) this.rebuild()
  }

  /** Sample variance of the window (full). */
  variance(): number {
    if (this.equal >= this.window) return 0
    return Math.max(0, this.deviations() / (this.window - 1))
  }

  mean(): number {
    return this.shift + this.sum / this.window
  }

  /** Σ(x − mean)² over the window. */
  private deviations(): number {
    return this.sumSq - this.sum * (this.sum / this.window)
  }

  /**
   * Whether the full window's deviations are lost in the sums' rounding. Not when they are known
   * to be 0, nor below the noise floor: there, a window whose spread is a few ulps of its mean
   * would be rebuilt at every bar for nothing.
   */
  private cancelled(): boolean {
    return this.count === this.window && this.equal < this.window && this.peak > (this.window - 1) * NOISE_SD * NOISE_SD &&
      this.deviations() < this.peak * CANCELLATION
  }

  /** The sums from the returns in the ring, shifted by the mean the sums give (the newest return if that is not finite). */
  private rebuild(): void {
    const mean = this.mean()
    const shift = mean - mean === 0 ? mean : this.last
    const ring = this.ring
    let sum = 0
    let sumSq = 0
    for (let j = 0; j < this.count; j++) {
      const d = ring[j] - shift
      sum += d
      sumSq += d * d
    }
    this.shift = shift
    this.sum = sum
    this.sumSq = sumSq
    this.peak = sumSq
  }
}
