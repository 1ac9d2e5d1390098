/**
 * Sub-day buckets on a zone's local clock (1H, 4H, … bars cut at the multiples the clock shows),
 * across its offset changes: the cuts of `bots data resample` (src/data/resample.ts, in SQL),
 * HigherBars (src/rules/runtime/higher-bars.ts) and resample's `partial` count
 * (src/data/bucket-span.ts), written once.
 */
import {utcOffset} from './timezone.js'

/**
 * Start of the sub-day bucket of instant `t`: the last instant at or before `t` at which the
 * local clock showed a multiple of `ms`, or jumped past one (spring-forward gap). The same steps
 * as the SQL of src/data/resample.ts, so that both cut the same buckets. With `w0` = `t`'s wall
 * time floored to `ms`:
 * - `a` = w0 − `t`'s offset, when the clock showed w0 then: always on days without a change;
 * - else the offset changed after `a`. If the clock jumped past w0, the change; else the last
 *   multiple it showed before the change (w0 itself, except where it fell back over a multiple).
 */
export function intradayStart(t: number, ms: number, tz: string): number {
  const offset = utcOffset(t, tz)
  const w0 = floorTo(t + offset, ms)
  const a = w0 - offset
  const before = utcOffset(a, tz)
  if (before === offset) return a
  const change = offsetChange(a, t, tz)
  const wallBefore = change + before // what the clock would have shown at the change
  return w0 >= wallBefore ? change : floorTo(wallBefore - 1, ms) - before
}

/**
 * End of the sub-day bucket starting at `start`: where the next one starts. Without an offset
 * change before it, the next multiple of `ms` on the clock (`ms` after a start on the grid);
 * across a change, the change itself when the clock jumps past a multiple or back onto one
 * (1H at fall-back: 01:00 comes twice), else the next multiple in the new offset.
 */
export function intradayEnd(start: number, ms: number, tz: string): number {
  const offset = utcOffset(start, tz)
  const grid = floorTo(start + offset, ms) + ms - offset
  if (utcOffset(grid, tz) === offset) return grid
  const change = offsetChange(start, grid, tz)
  if (intradayStart(change, ms, tz) === change) return change
  const after = utcOffset(change, tz)
  return floorTo(change + after, ms) + ms - after
}

/** `wall` rounded down to a multiple of `ms` (also before 1970). */
export function floorTo(wall: number, ms: number): number {
  return wall - (((wall % ms) + ms) % ms)
}

/** The first instant in (from, to] whose offset differs from `from`'s; `to`'s must differ. */
export function offsetChange(from: number, to: number, tz: string): number {
  const before = utcOffset(from, tz)
  let lo = from
  let hi = to
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (utcOffset(mid, tz) === before) lo = mid
    else hi = mid
  }
  return hi
}
