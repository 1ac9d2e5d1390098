/**
 * A streaming resampler: one symbol's bars → the bars of one higher timeframe, published only
 * once they have closed. The buckets are those of `bots data resample` (src/data/resample.ts):
 * - shorter than a day: cut where the market's local wall clock is a multiple of the timeframe;
 * - a day or longer: cut at local midnight (weeks and n-day buckets counted from Monday 1970-01-05).
 * OHLCV: first open, max high, min low, last close, sum of volume; a bucket exists only if a bar
 * fell in it. A bar belongs to the bucket of its open time.
 *
 * When a bucket is published (its bar becomes visible), by construction never before it closed:
 * - when a bar opens in a later bucket (the bucket had closed before that bar opened), or
 * - when the run's clock `now` has reached the bucket's end: every bar of the bucket closes by
 *   then, and a strategy context at time T has seen every bar closing by T. The end is the grid
 *   end (local midnight for days), or earlier when the market's calendar says the session closes
 *   first — the session's close for a daily bucket, early closes included, so a daily bar is
 *   visible at the close of the session's last bar, not one bar later.
 * A bar of a bucket already published (after the session close, in data that has such bars) is
 * left out of the higher timeframe.
 */
import type {MarketCalendar} from '../../calendar/calendar.js'
import {utcOffset, wallToUtc} from '../../calendar/timezone.js'
import {DAY_MS} from '../../model/time.js'

/** What the resampler needs of a market calendar (sessions, with early closes). */
export type SessionSource = Pick<MarketCalendar, 'sessions' | 'nextSession'>

/** Day number of Monday 1970-01-05, where weeks and n-day buckets start. */
const MONDAY = 4

export class HigherBars {
  // The forming bucket (key NaN: none).
  open = NaN
  high = NaN
  low = NaN
  close = NaN
  volume = NaN
  /** Start of the forming bucket (epoch ms): the higher bar's time. */
  start = NaN
  /** When the forming bucket closes (epoch ms). */
  end = NaN
  private key = NaN
  /** Key of the last published bucket. */
  private lastKey = -Infinity
  private readonly daily: boolean

  /** `publish(open, high, low, close, volume, time)` receives each completed higher bar. */
  constructor(
    readonly ms: number,
    private readonly timeZone: string,
    private readonly publish: (open: number, high: number, low: number, close: number, volume: number, time: number) => void,
    private readonly calendar?: SessionSource,
  ) {
    this.daily = ms >= DAY_MS
  }

  /**
   * Adds one bar (by its open time). `now`: the run's clock when this is the newest bar the
   * strategy sees (NaN for earlier bars of the same iteration: the next bar settles them).
   */
  push(open: number, high: number, low: number, close: number, volume: number, time: number, now: number): void {
    const wall = this.timeZone === 'UTC' ? time : time + utcOffset(time, this.timeZone)
    const key = this.daily ? Math.floor((Math.floor(wall / DAY_MS) - MONDAY) / (this.ms / DAY_MS)) : Math.floor(wall / this.ms)
    if (key === this.key && time >= this.end) {
      // The session closed before this bar opened: the bucket is complete without it.
      this.emit()
      return
    }
    if (key !== this.key) {
      if (this.key === this.key) this.emit()
      if (key <= this.lastKey) return
      this.key = key
      this.open = open
      this.high = high
      this.low = low
      this.close = close
      this.volume = volume
      this.bounds(time, wall, key)
    } else {
      if (high > this.high) this.high = high
      if (low < this.low) this.low = low
      this.close = close
      this.volume += volume
    }
    if (now >= this.end) this.emit()
  }

  /** Publishes the forming bucket if the clock has reached its end. */
  settle(now: number): void {
    if (this.key === this.key && now >= this.end) this.emit()
  }

  private emit(): void {
    this.lastKey = this.key
    this.key = NaN
    this.publish(this.open, this.high, this.low, this.close, this.volume, this.start)
  }

  private bounds(time: number, wall: number, key: number): void {
    if (this.daily) {
      const firstDay = MONDAY + key * (this.ms / DAY_MS)
      this.start = wallToUtc(firstDay * DAY_MS, this.timeZone)
      this.end = wallToUtc((firstDay + this.ms / DAY_MS) * DAY_MS, this.timeZone)
    } else {
      this.start = time - (wall - key * this.ms)
      this.end = this.start + this.ms
    }
    if (!this.calendar) return
    try {
      if (this.daily) {
        // The last session of the bucket's days, when it closes by the bucket's end.
        const sessions = this.calendar.sessions(this.start, this.end)
        const last = sessions[sessions.length - 1]
        if (last && last.close <= this.end && last.close > time) this.end = last.close
      } else {
        // The session in progress (or next) closes inside this bucket: the bucket ends there.
        const s = this.calendar.nextSession(this.start)
        if (s && s.open < this.end && s.close < this.end && s.close > time) this.end = s.close
      }
    } catch {
      // Outside the calendar's years: the grid end (later, never look-ahead).
    }
  }
}
