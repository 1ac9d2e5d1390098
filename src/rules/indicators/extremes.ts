/**
 * Highest / lowest of the last `period` values with a monotonic deque: O(1) amortised per value,
 * two preallocated arrays, no allocation per bar. NaN until `period` values were seen.
 */
export class RollingExtreme {
  private readonly values: Float64Array
  private readonly index: Float64Array
  private headPos = 0
  private size = 0
  private count = 0

  constructor(
    private readonly period: number,
    private readonly highest: boolean,
  ) {
    this.values = new Float64Array(period + 1)
    this.index = new Float64Array(period + 1)
  }

  add(x: number): number {
    const cap = this.values.length
    const i = this.count++
    // Drop the entry that left the window, then every entry the new value dominates.
    if (this.size > 0 && this.index[this.headPos] <= i - this.period) {
      this.headPos = (this.headPos + 1) % cap
      this.size--
    }
    while (this.size > 0) {
      const last = (this.headPos + this.size - 1) % cap
      const v = this.values[last]
      if (this.highest ? v > x : v < x) break
      this.size--
    }
    const at = (this.headPos + this.size) % cap
    this.values[at] = x
    this.index[at] = i
    this.size++
    return this.count >= this.period ? this.values[this.headPos] : NaN
  }

  /**
   * Bars since the extreme of the window (0: the newest value), after `add`; NaN until `period`
   * values were seen. Equal older values were dropped, so it is the newest of equal extremes
   * (Backtrader's FindFirstIndexHighest / FindFirstIndexLowest).
   */
  get age(): number {
    return this.count >= this.period ? this.count - 1 - this.index[this.headPos] : NaN
  }
}
