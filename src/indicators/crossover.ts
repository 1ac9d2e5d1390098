/**
 * Crossovers judged the way Backtrader's `CrossOver` judges them: against the last NON-ZERO
 * difference between the two lines, so a touch (equal values) followed by a cross is a cross, and
 * a touch followed by a return to the same side is not.
 *
 * At each update with both values defined: `up` when the last non-zero difference before this bar
 * was negative and now a > b; `down` when it was positive and now a < b. The first defined pair
 * only seeds the difference (Backtrader seeds it with the raw difference, zero included) and never
 * signals. Undefined values (NaN, e.g. during warm-up) are skipped and change nothing.
 */
export const CROSS_UP = 1
export const CROSS_DOWN = -1
export const NO_CROSS = 0

export class CrossDetector {
  private nonZeroDiff = NaN

  /** Feed the two lines' values at the next bar; returns 1 (a crossed above b), -1 (below) or 0. */
  update(a: number, b: number): number {
    if (a !== a || b !== b) return NO_CROSS
    const before = this.nonZeroDiff
    const d = a - b
    if (d !== 0 || before !== before) this.nonZeroDiff = d
    if (before < 0 && a > b) return CROSS_UP
    if (before > 0 && a < b) return CROSS_DOWN
    return NO_CROSS
  }

  reset(): void {
    this.nonZeroDiff = NaN
  }
}

/** The crossover line of two series (Backtrader's `CrossOver`): 1, -1 or 0 per index. */
export function crossover(a: ArrayLike<number>, b: ArrayLike<number>): Int8Array {
  const n = Math.min(a.length, b.length)
  const out = new Int8Array(n)
  const detector = new CrossDetector()
  for (let i = 0; i < n; i++) out[i] = detector.update(a[i], b[i])
  return out
}
