/**
 * The resolution of an equity curve where it is written (the results store, `--out` files,
 * `--json`): `full` (a point per bar), `daily` (each market day's last point) or `none`. A
 * million-bar curve is 24 MB per run in the store and most of a recorded run's memory.
 */
import {localDayNumber, wallToUtc} from '../calendar/timezone.js'
import {DAY_MS} from '../model/time.js'

export const EQUITY_RESOLUTIONS = ['none', 'daily', 'full'] as const
export type EquityResolution = (typeof EQUITY_RESOLUTIONS)[number]

/** Up to this many bars the default is the full curve; above it, one point a day. */
export const FULL_EQUITY_MAX_BARS = 100_000

/** The resolution used: the one asked for, else `full` up to FULL_EQUITY_MAX_BARS points, else `daily`. */
export function equityResolution(asked: EquityResolution | undefined, bars: number): EquityResolution {
  return asked ?? (bars <= FULL_EQUITY_MAX_BARS ? 'full' : 'daily')
}

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

/** The values at `indices` (a copy). */
export function pickPoints(values: Float64Array, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length)
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]]
  return out
}
