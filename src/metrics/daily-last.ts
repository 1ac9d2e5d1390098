/** Each calendar day's last point of a curve, in the market's time zone (daily curves, daily returns). */
import {localDayNumber, wallToUtc} from '../calendar/timezone.js'
import {DAY_MS} from '../model/time.js'
import {firstAtOrAfter} from '../core/sorted-search.js'

/**
 * Indices of the last point of each calendar day in `tz` (time ascending, epoch ms). A day's last
 * point is the last bar that opened that day; days without bars have none. Each day's end is
 * searched for from its first point: a few steps per day, not one per point.
 */
export function dailyLastIndices(time: ArrayLike<number>, tz: string): Uint32Array {
  const picked: number[] = []
  for (let i = 0; i < time.length; ) {
    const next = firstAtOrAfter(time, wallToUtc((localDayNumber(time[i], tz) + 1) * DAY_MS, tz), i + 1)
    picked.push(next - 1)
    i = next
  }
  return Uint32Array.from(picked)
}
