/**
 * An SMA's value at every bar, computed once per distinct period of a sweep and shared by every
 * combination that uses that period. Each value must be the double the strategy's own SMA has at
 * that bar: the correctly rounded sum of the window (fsum, ExactSum) divided by the period.
 *
 * The correctly rounded sum of a set of doubles is one number, however it is computed, so a
 * faster exact method gives the same doubles as ExactSum. For positive finite prices within a
 * moderate range of magnitudes (the usual case), every close times 2^K (K from the smallest
 * close's exponent) is an integer; split at 2^26 into two integer limbs, the window's limb sums
 * stay exact in plain doubles (each below 2^53), and `hi × 2^26 + lo` rounds the exact total
 * once, correctly. Outside those bounds the SMA class itself computes the series.
 */
import {SMA} from '../../indicators/sma.js'

const LIMB_BITS = 26
const LIMB = 2 ** LIMB_BITS
const INV_LIMB = 2 ** -LIMB_BITS // multiplying by a power of two is exact: no division needed

/** The closes as two integer limbs on one scale: close × 2^scaleBits = hi × 2^26 + lo. */
export interface SmaLimbs {
  hi: Float64Array
  lo: Float64Array
  /** 2^-scaleBits: multiplies a scaled sum back (exactly: a power of two). */
  unscale: number
  /** log2 of the largest close over the smallest, rounded up (bounds the limb sums). */
  range: number
}

/** The limbs of `close`, or undefined when a close is not a positive finite double in a usable range. */
export function smaLimbs(close: Float64Array, length: number): SmaLimbs | undefined {
  let min = Infinity
  let max = 0
  for (let i = 0; i < length; i++) {
    const x = close[i]
    if (!(x > 0 && x < Infinity)) return undefined
    if (x < min) min = x
    if (x > max) max = x
  }
  if (length === 0) return undefined
  const eMin = exponent(min)
  const scaleBits = 52 - eMin
  // Keep the scaled values and the scale itself normal doubles.
  if (scaleBits > 1000 || scaleBits < -900) return undefined
  const scale = 2 ** scaleBits
  const hi = new Float64Array(length)
  const lo = new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const x = close[i] * scale // an integer: every close ≥ 2^eMin has no bits below 2^(eMin − 52)
    const h = Math.floor(x * INV_LIMB)
    hi[i] = h
    lo[i] = x - h * LIMB
  }
  return {hi, lo, unscale: 2 ** -scaleBits, range: exponent(max) - eMin + 1}
}

/** floor(log2 x) for a positive normal double. */
function exponent(x: number): number {
  let e = Math.floor(Math.log2(x))
  if (2 ** e > x) e--
  else if (2 ** (e + 1) <= x) e++
  return e
}

/** Whether the limb sums of a `period`-bar window are exact (every partial sum below 2^53). */
function limbsFit(limbs: SmaLimbs, period: number): boolean {
  const bits = Math.ceil(Math.log2(period + 1))
  // hi < 2^(53 + range − 26) each; lo < 2^26 each; a window holds period + 1 values at most mid-step.
  return limbs.range + bits + 27 <= 53 && bits + LIMB_BITS <= 53
}

export function smaSeries(close: Float64Array, length: number, period: number, out: Float64Array = new Float64Array(length), limbs?: SmaLimbs): Float64Array {
  if (limbs !== undefined && limbsFit(limbs, period)) return limbSeries(limbs, length, period, out)
  const sma = new SMA(period)
  for (let i = 0; i < length; i++) out[i] = sma.add(close[i])
  return out
}

function limbSeries(limbs: SmaLimbs, length: number, period: number, out: Float64Array): Float64Array {
  const {hi, lo, unscale} = limbs
  let h = 0
  let l = 0
  const warm = Math.min(period - 1, length)
  for (let i = 0; i < warm; i++) {
    h += hi[i]
    l += lo[i]
    out[i] = NaN
  }
  for (let i = warm; i < length; i++) {
    h += hi[i]
    l += lo[i]
    if (i >= period) {
      h -= hi[i - period]
      l -= lo[i - period]
    }
    // One rounding of the exact window sum (h × 2^26 is exact), as fsum's; scaling back is exact.
    out[i] = ((h * LIMB + l) * unscale) / period
  }
  return out
}
