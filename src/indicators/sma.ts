import {WindowSum} from './window-sum.js'

/**
 * Streaming simple moving average, `fsum(last period values) / period` as Backtrader computes it,
 * so it never drifts however long the run. O(1) per value (see `WindowSum`), no allocation.
 * NaN until `period` values have been added.
 */
export class SMA {
  readonly period: number
  value = NaN
  private readonly sum: WindowSum

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`SMA period must be a positive integer, got ${period}`)
    this.period = period
    this.sum = new WindowSum(period)
  }

  /** Adds the next value and returns the new average (NaN during warm-up). */
  add(v: number): number {
    this.push(v)
    return this.value
  }

  /** `add` without the return value (read `value`): allocation-free in hot loops, see `WindowSum.push`. */
  push(v: number): void {
    const sum = this.sum
    sum.push(v)
    this.value = sum.current / this.period
  }

  get isReady(): boolean {
    return this.sum.isReady
  }

  reset(): void {
    this.sum.reset()
    this.value = NaN
  }
}
