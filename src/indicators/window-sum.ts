import {ExactSum} from './exact-sum.js'

/**
 * The sum of the last `period` values, exactly as `math.fsum` of the window rounds it (Backtrader's
 * SMA and SumN), at a few nanoseconds per value.
 *
 * Why not `ExactSum` on every value: its partials list is walked twice per value and once more to
 * round, which made two SMAs the biggest cost of a backtest. Here the window's exact sum S is
 * tracked as a double-double `hi + lo` (error-free TwoSum steps) with a proven bound `err` on the
 * only rounding, `lo + e`: |S − (hi + lo)| ≤ err. Since hi is `hi + lo` rounded to nearest (ties
 * to even), S rounds to hi when err is 0 (the rule for prices, whose few significant bits make
 * every step exact) or when |lo| + err is below half the spacing of doubles at hi.
 * Otherwise (a tie, a zero or subnormal sum, an overflow, or a bound grown too large) the window
 * is summed again with `ExactSum`, the reference, and the double-double restarts from that.
 * Non-finite values are counted aside and make the sum NaN while they are in the window, as
 * `ExactSum` does.
 */
export class WindowSum {
  readonly period: number
  /** The sum after the last `push` (NaN until there are `period` values), the same as `add` returns. */
  current = NaN
  /** The value `push` hands to `pushApart`. */
  private incoming = NaN
  /** The window is full, holds only finite values, and hi + lo is its exact sum (err 0): push's fast path. */
  private clean = false
  private readonly window: Float64Array
  private filled = 0
  private pos = 0
  private nonFinite = 0
  private hi = 0
  private lo = 0
  private err = 0
  private readonly exact = new ExactSum()

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 1) throw new RangeError(`window period must be a positive integer, got ${period}`)
    this.period = period
    this.window = new Float64Array(period)
  }

  /** Adds the next value; the sum of the last `period` values, NaN until there are that many. */
  add(x: number): number {
    this.push(x)
    return this.current
  }

  /**
   * `add` without the return: the sum goes to `current`. Hot loops use it because a double
   * returned from a call V8 does not inline is a heap allocation; a field is not.
   */
  push(x: number): void {
    // A full window whose sum is exact (`clean`): x replaces old, and the sum changes by
    // d = x - old. When d is exact (both finite, no rounding: the rule for prices, whose few
    // significant bits the two share) and the double-double sum takes it without a new rounding
    // error, this path does it all: `step(d)` written out (the same TwoSum steps), calling
    // nothing. It is kept small (bytecode) so that V8 inlines two windows into one loop
    // (sma-cross's): a call left out there boxes its double argument, 16 bytes a bar.
    // Everything else goes to pushApart.
    const w = this.window
    const pos = this.pos
    const old = w[pos]
    const d = x - old
    const bd = d - x
    const hi = this.hi
    const s = hi + d
    const bs = s - hi
    const e = hi - (s - bs) + (d - bs)
    const lo = this.lo
    const t = lo + e
    const bt = t - lo
    // The two rounding errors, of x - old and of lo + e (TwoSum's), are zero.
    if (this.clean && x - (d - bd) - (old + bd) === 0 && lo - (t - bt) + (e - bt) === 0) {
      w[pos] = x
      const next = pos + 1
      this.pos = next === this.period ? 0 : next
      const h = s + t
      const bh = h - s
      this.lo = s - (h - bh) + (t - bh)
      this.hi = h
      this.current = h + 0 // h, but -0 as 0 (as fsum gives it)
    } else {
      // x goes by a field: a double argument to a call V8 does not inline is boxed, and the
      // optimised push boxed it on every value, whichever branch ran (measured, 16 bytes a value).
      this.incoming = x
      this.pushApart()
    }
  }

  /** `push` of `incoming` as two steps, old out and x in: while the window fills, with non-finite values, after a rounding error. */
  private pushApart(): void {
    const x = this.incoming
    if (this.filled === this.period) {
      const old = this.window[this.pos]
      if (old - old === 0) this.step(-old)
      else this.nonFinite--
    } else this.filled++
    this.window[this.pos] = x
    this.pos = this.pos + 1 === this.period ? 0 : this.pos + 1
    if (x - x === 0) this.step(x)
    else this.nonFinite++
    if (this.filled !== this.period) this.current = NaN
    else if (this.err === 0 && this.nonFinite === 0) this.current = this.hi === 0 ? 0 : this.hi
    else this.current = this.value()
    // After value(), which may restart the double-double exactly.
    this.clean = this.filled === this.period && this.nonFinite === 0 && this.err === 0
  }

  get isReady(): boolean {
    return this.filled === this.period
  }

  reset(): void {
    this.current = NaN
    this.clean = false
    this.filled = 0
    this.pos = 0
    this.nonFinite = 0
    this.hi = 0
    this.lo = 0
    this.err = 0
  }

  /** The correctly rounded sum of the values in the window so far (fewer than `period` while filling). */
  value(): number {
    if (this.nonFinite !== 0) return NaN
    const hi = this.hi
    const err = this.err
    // No rounding so far: hi is hi + lo rounded to nearest, ties to even, which is what fsum gives.
    if (err === 0) return hi === 0 ? 0 : hi
    BITS[0] = hi
    const high = WORDS[HIGH]
    let half = HALF_SPACING[(high >>> 20) & 0x7ff]
    // Just above a power of two's magnitude the spacing toward zero is half as wide.
    if ((high & 0xfffff) === 0 && WORDS[1 - HIGH] === 0) half *= 0.5
    // The factor covers the rounding of this comparison's own sum.
    if ((Math.abs(this.lo) + err) * (1 + 2 ** -40) < half) return hi
    return this.resync()
  }

  /** S += v as hi + lo, error-free; the rare rounding error of `lo + e` is added to `err`. */
  private step(v: number): void {
    const hi = this.hi
    const s = hi + v
    const bv = s - hi
    const e = hi - (s - bv) + (v - bv)
    const lo = this.lo
    const t = lo + e
    const bt = t - lo
    const te = lo - (t - bt) + (e - bt)
    // Prices carry few significant bits, so t is nearly always exact and err stays 0.
    if (te !== 0) this.widen(te)
    const h = s + t
    const bh = h - s
    this.lo = s - (h - bh) + (t - bh)
    this.hi = h
  }

  /**
   * Adds a rounding error to the bound; (1 + 2^-50) keeps the bound above the true error despite
   * this sum's own rounding. Kept out of `step`, which `pushApart` inlines twice.
   */
  private widen(te: number): void {
    this.err = (this.err + Math.abs(te)) * (1 + 2 ** -50)
  }

  /** Sums the window exactly (the reference) and restarts hi + lo from it. */
  private resync(): number {
    const exact = this.exact
    exact.reset()
    const w = this.window
    for (let i = 0; i < this.filled; i++) exact.add(w[i])
    const sum = exact.value()
    if (sum - sum !== 0) {
      // An overflowing sum: nothing finite to restart from; stay on the reference until it passes.
      this.hi = NaN
      this.lo = 0
      this.err = Infinity
      return sum
    }
    exact.subtract(sum)
    const rest = exact.value()
    exact.subtract(rest)
    this.hi = sum
    this.lo = rest
    // The remainder is usually exact (then nothing is left): the fast path is exact again.
    this.err = exact.value() === 0 ? 0 : Math.abs(rest) * 2 ** -52
    return sum
  }
}

// Half the spacing of doubles for each biased exponent (0 and 2047, zero/subnormal and
// non-finite, map to 0, which always sends `value` to the reference).
const HALF_SPACING = new Float64Array(2048)
for (let e = 1; e < 2047; e++) HALF_SPACING[e] = 2 ** (e - 1076)
const BITS = new Float64Array(1)
const WORDS = new Uint32Array(BITS.buffer)
/** Index of the word holding the sign and exponent. */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
