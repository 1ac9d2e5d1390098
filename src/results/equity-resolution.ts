/**
 * The resolution of an equity curve where it is written (the results store, `--out` files,
 * `--json`): `full` (a point per bar), `daily` (each market day's last point) or `none`. A
 * million-bar curve is 24 MB per run in the store and most of a recorded run's memory.
 */
export {dailyLastIndices} from '../metrics/daily-last.js'

export const EQUITY_RESOLUTIONS = ['none', 'daily', 'full'] as const
export type EquityResolution = (typeof EQUITY_RESOLUTIONS)[number]

/** Up to this many bars the default is the full curve; above it, one point a day. */
export const FULL_EQUITY_MAX_BARS = 100_000

/** The resolution used: the one asked for, else `full` up to FULL_EQUITY_MAX_BARS points, else `daily`. */
export function equityResolution(asked: EquityResolution | undefined, bars: number): EquityResolution {
  return asked ?? (bars <= FULL_EQUITY_MAX_BARS ? 'full' : 'daily')
}

/** A curve as the results store records it (run_equity), beside buy-and-hold's. */
export interface RecordedCurve {
  time: Float64Array
  value: Float64Array
  benchmark: Float64Array
  resolution: 'full' | 'daily'
}

/**
 * The curve as recorded at `resolution`: every point, each market day's last one (`dailyLast`,
 * asked only then: callers compute it once for the runs that share a time index), or none.
 */
export function recordedEquity(time: Float64Array, value: Float64Array, benchmark: Float64Array, resolution: EquityResolution, dailyLast: () => Uint32Array): RecordedCurve | undefined {
  if (resolution === 'full') return {time, value, benchmark, resolution}
  if (resolution === 'none') return undefined
  const idx = dailyLast()
  return {time: pickPoints(time, idx), value: pickPoints(value, idx), benchmark: pickPoints(benchmark, idx), resolution}
}

/** The values at `indices` (a copy). */
export function pickPoints(values: Float64Array, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length)
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]]
  return out
}
