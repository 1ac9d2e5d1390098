/**
 * A streaming resampler: one symbol's bars → the bars of one higher timeframe, published only
 * once they have closed. The buckets are those of `bots data resample` (src/data/resample.ts):
 * - shorter than a day: cut at each instant where the market's local wall clock shows a multiple
 *   of the timeframe, so a bucket across a DST change is longer or shorter than the timeframe
 *   (New York, 4H: 00:00–04:00 local lasts 5 hours on the fall-back day, 3 on the spring-forward
 *   day), and one whose start the clock skips starts at the change;
 * - a day or longer: cut at local midnight (weeks and n-day buckets counted from Monday 1970-01-05).
 * OHLCV: first open, max high, min low, last close, sum of volume; a bucket exists only if a bar
 * fell in it. A bar belongs to the bucket of its open time. (`bots data resample` stamps a bucket
 * that the clock starts before the session's open at that open; here a bar's time is the bucket's
 * clock start: the same bars, which only the indicators read.)
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
import {intradayEnd, intradayStart} from '../../calendar/local-buckets.js'
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
  /** The forming bucket: its day number (daily) or `start` (shorter); NaN: none. */
  private key = NaN
  /**
   * The last sub-day bucket begun (forming or published) lasts from `start` to `gridEnd`, where
   * the next one starts (`end` unless a session close came first): a bar in that span is in it.
   */
  private gridKey = NaN
  private gridEnd = NaN
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
    // A bar inside the forming bucket's grid is in it: only a bar past it needs its bucket worked out.
    const key = time >= this.start && time < this.gridEnd ? this.gridKey : this.keyOf(time)
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
      this.bounds(time, key)
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

  /** The bucket of a bar opening at `time`: its number of days (daily), else its start. */
  private keyOf(time: number): number {
    if (!this.daily) return intradayStart(time, this.ms, this.timeZone)
    const wall = this.timeZone === 'UTC' ? time : time + utcOffset(time, this.timeZone)
    return Math.floor((Math.floor(wall / DAY_MS) - MONDAY) / (this.ms / DAY_MS))
  }

  private bounds(time: number, key: number): void {
    if (this.daily) {
      const firstDay = MONDAY + key * (this.ms / DAY_MS)
      this.start = wallToUtc(firstDay * DAY_MS, this.timeZone)
      this.end = wallToUtc((firstDay + this.ms / DAY_MS) * DAY_MS, this.timeZone)
    } else {
      this.start = this.gridKey = key
      this.end = this.gridEnd = intradayEnd(key, this.ms, this.timeZone)
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
