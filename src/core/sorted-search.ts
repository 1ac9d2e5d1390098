/** Searching an ascending array of times. */

/**
 * The first index in [from, n) whose value is at or after `target` (n when there is none), for
 * `time` ascending. Galloping from `from`, then halving: O(log d) for an answer d places on, so a
 * walk over a long curve's months or days costs a few steps per month or day, not one per point.
 */
export function firstAtOrAfter(time: ArrayLike<number>, target: number, from: number): number {
  const n = time.length
  if (from >= n || time[from] >= target) return from
  let below = from // time[below] < target
  let step = 1
  let at = from + 1
  while (at < n && time[at] < target) {
    below = at
    step *= 2
    at = from + step
  }
  if (at > n) at = n
  // time[below] < target, and at === n or time[at] >= target
  while (at - below > 1) {
    const mid = (below + at) >>> 1
    if (time[mid] < target) below = mid
    else at = mid
  }
  return at
}
