/**
 * The buy-and-hold benchmark: the initial cash split in equal parts across the run's symbols,
 * each part buying its symbol at that symbol's first close in the run (fractional units, no
 * commission or slippage) and holding it to the end, never rebalanced. Until a symbol's first
 * bar its part stays in cash; a bar where a symbol has no data values it at its last close.
 * So for one symbol the benchmark's total return is last close / first close − 1.
 */
import {barsOnTimes} from '../core/bars.js'
import type {Bars} from '../model/bars.js'

/** The benchmark's account value at each point of `time` (the run's shared, ascending index). */
export function buyAndHoldEquity(bars: readonly Bars[], time: ArrayLike<number>, initialCash: number): Float64Array {
  const n = time.length
  const out = new Float64Array(n)
  const k = bars.length
  if (k === 0) return out.fill(initialCash)
  const part = initialCash / k
  for (const b of bars) {
    // Bar i at point i: ~3× less time than the merge.
    if (barsOnTimes(b, time)) addOnOwnTimes(out, b.close, part)
    else addMerged(out, b, time, part)
  }
  return out
}

/** addMerged for a symbol whose bar i is at point i: the same values, without the merge. */
function addOnOwnTimes(out: Float64Array, close: ArrayLike<number>, part: number): void {
  let units = NaN
  let last = NaN
  for (let i = 0; i < out.length; i++) {
    const c = close[i]
    if (c === c) {
      if (units !== units) units = part / c
      last = c
    }
    out[i] += units === units ? units * last : part
  }
}

/** Adds a symbol's part at each point of `time`: its value as of the last bar at or before it. */
function addMerged(out: Float64Array, b: Bars, time: ArrayLike<number>, part: number): void {
  // The columns in locals: V8 does not hoist b's property loads out of this loop (measured 2×).
  const {time: barTime, close, length} = b
  const n = time.length
  let j = 0 // next bar of b not yet at or before time[i]
  let units = NaN
  let last = NaN
  for (let i = 0; i < n; i++) {
    const t = time[i]
    while (j < length && barTime[j] <= t) {
      const c = close[j++]
      if (c === c) {
        if (units !== units) units = part / c
        last = c
      }
    }
    out[i] += units === units ? units * last : part
  }
}
