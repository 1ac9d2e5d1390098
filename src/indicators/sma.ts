import {ExactSum} from './exact-sum.js'

/**
 * Streaming simple moving average, `fsum(last period values) / period` as Backtrader computes it,
 * so it never drifts however long the run. O(1) per value (a handful of partials), no allocation.
 * NaN until `period` values have been added.
 */
export class SMA {
  readonly period: number
  value = NaN
  private readonly window: Float64Array
  private readonly sum = new ExactSum()
  private filled = 0
  private pos = 0

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period must be a positive integer, got ${period}`)
    this.period = period
    this.window = new Float64Array(period)
  }

  /** Adds the next value and returns the new average (NaN during warm-up). */
  add(v: number): number {
    if (this.filled === this.period) this.sum.subtract(this.window[this.pos])
    else this.filled++
    this.window[this.pos] = v
    this.pos = this.pos + 1 === this.period ? 0 : this.pos + 1
    this.sum.add(v)
    this.value = this.filled === this.period ? this.sum.value() / this.period : NaN
    return this.value
  }

  get isReady(): boolean {
    return this.filled === this.period
  }

  reset(): void {
    this.sum.reset()
    this.filled = 0
    this.pos = 0
    this.value = NaN
  }
}
