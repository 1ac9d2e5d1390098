/** Each calendar day's last point of a curve, in the market's time zone (daily curves, daily returns). */
import {localDayNumber, wallToUtc} from '../calendar/timezone.js'
import {DAY_MS} from '../model/time.js'

/**
 * Indices of the last point of each calendar day in `tz` (time ascending, epoch ms). A day's last
 * point is the last bar that opened that day; days without bars have none.
 */
export function dailyLastIndices(time: ArrayLike<number>, tz: string): Uint32Array {
  const n = time.length
  const picked = new Uint32Array(n)
  let count = 0
  let nextDay = -Infinity // first instant of the local day after the current point's
  for (let i = 0; i < n; i++) {
    const t = time[i]
    if (t >= nextDay) {
      if (i > 0) picked[count++] = i - 1
      nextDay = wallToUtc((localDayNumber(t, tz) + 1) * DAY_MS, tz)
    }
  }
  if (n > 0) picked[count++] = n - 1
  return picked.slice(0, count)
}
