import type {SchedulerState} from './runtime-types.js'

/**
 * When the hooks of a live bot run. Two schedules, the same as the backtest's two runners, so a
 * strategy makes the same decisions live as in `bots backtest`: `daily` (one iteration per bar,
 * the bar is the trading day) and `intraday` (calendar sessions, iterations every sleeptime).
 */
export interface Schedule {
  /**
   * Runs every event due at or before `t`, in time order, each at its own time on the clock.
   * Only bars already received count: a bar that has not arrived cannot be iterated on.
   */
  advance(t: number): Promise<void>
  /**
   * The feed ended with the last bar closing at `end`: finish what the backtest would still do
   * (the hooks of the session in progress), and nothing after.
   */
  finish(end: number): Promise<void>
  /** The next time something is due, if no bar arrives before (wall-clock timers); Infinity: none. */
  nextEventTime(): number
  save(): SchedulerState
  restore(state: SchedulerState): void
}

/** JSON has no ±Infinity or NaN. */
export const toJsonTime = (t: number): number | null => (Number.isFinite(t) ? t : null)
export const fromJsonTime = (t: number | null | undefined, otherwise: number): number => (typeof t === 'number' ? t : otherwise)
