/**
 * A running sum that is exact: values can be added and removed in any order and `value()` is the
 * correctly rounded sum of what is currently in it, the same double as Python's `math.fsum` over
 * those values. Backtrader's SMA is `fsum(window) / period`; a plain running sum drifts from it
 * after enough bars and then crossovers land on different bars.
 *
 * The state is Shewchuk's list of non-overlapping partials (increasing magnitude) whose exact sum
 * is the exact sum of the values. Adding -x removes x exactly. Non-finite values are counted aside
 * (they would poison the partials for good) and make the value NaN while they are in the sum.
 */
export class ExactSum {
  private partials = new Float64Array(16)
  private count = 0
  private nonFinite = 0

  add(x: number): void {
    if (x - x !== 0) {
      this.nonFinite++
      return
    }
    this.accumulate(x)
  }

  subtract(x: number): void {
    if (x - x !== 0) {
      this.nonFinite--
      return
    }
    this.accumulate(-x)
  }

  reset(): void {
    this.count = 0
    this.nonFinite = 0
  }

  /** The exact sum rounded once to the nearest double (ties to even), as `math.fsum`. */
  value(): number {
    if (this.nonFinite !== 0) return NaN
    const p = this.partials
    let n = this.count
    if (n === 0) return 0
    let hi = p[--n]
    let lo = 0
    while (n > 0) {
      const x = hi
      const y = p[--n]
      hi = x + y
      lo = y - (hi - x)
      if (lo !== 0) break
    }
    // Half-way cases: the partials below `lo` decide the rounding direction (CPython's fsum).
    if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
      const y = lo * 2
      const x = hi + y
      if (y === x - hi) hi = x
    }
    return hi
  }

  private accumulate(value: number): void {
    let x = value
    const p = this.partials
    const n = this.count
    let i = 0
    for (let j = 0; j < n; j++) {
      let y = p[j]
      if (Math.abs(x) < Math.abs(y)) {
        const t = x
        x = y
        y = t
      }
      const hi = x + y
      const lo = y - (hi - x)
      if (lo !== 0) p[i++] = lo
      x = hi
    }
    if (x !== 0) {
      if (i === p.length) this.grow()
      this.partials[i++] = x
    }
    this.count = i
  }

  private grow(): void {
    const bigger = new Float64Array(this.partials.length * 2)
    bigger.set(this.partials)
    this.partials = bigger
  }
}

/** `math.fsum` over an array: the correctly rounded sum. */
export function fsum(values: ArrayLike<number>): number {
  const s = new ExactSum()
  for (let i = 0; i < values.length; i++) s.add(values[i])
  return s.value()
}
