/**
 * How a crossover slot takes one bar's detector result, shared by every loop that feeds bars so
 * the loops cannot disagree. `r`: 1 or -1 (a cross), 0 (none), NaN (an argument undefined). An
 * actual cross always lands; otherwise the first bar of an iteration (`fresh`) rewrites the slot,
 * and a later bar only replaces a value that is not a cross (so the slot keeps the latest cross
 * among the iteration's bars, as the hand-written sma-cross plugin does). True when `r` is a cross.
 */
export function settleSlot(slots: Float64Array, i: number, r: number, fresh: boolean): boolean {
  if (r === 1 || r === -1) {
    slots[i] = r
    return true
  }
  if (fresh || (r === 0 && slots[i] !== 1 && slots[i] !== -1)) slots[i] = r
  return false
}
