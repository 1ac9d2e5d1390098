/**
 * Calendar fields of the current bar's open time in the market's time zone, recomputed once per
 * bar and only when some expression reads them. The zone's UTC offset comes from the calendar's
 * cached offset table, so this is arithmetic, not an Intl call, per bar.
 */
import {civilFromDayNumber, weekdayOf} from '../../calendar/civil-date.js'
import {DAY_MS} from '../../model/time.js'
import {utcOffset} from '../../calendar/timezone.js'

export class LocalClock {
  hour = NaN
  minute = NaN
  /** ISO: 1 = Monday … 7 = Sunday. */
  weekday = NaN
  day = NaN
  month = NaN
  /** Minutes since local midnight, fractional when the bar opens between whole minutes. */
  minuteOfDay = NaN
  /** Local day number (days since 1970-01-01 in the zone): changes when a new session day starts. */
  dayKey = NaN

  constructor(readonly timeZone: string) {}

  set(t: number): void {
    const wall = this.timeZone === 'UTC' ? t : t + utcOffset(t, this.timeZone)
    const days = Math.floor(wall / DAY_MS)
    const ms = wall - days * DAY_MS
    this.dayKey = days
    this.minuteOfDay = ms / 60_000
    this.hour = Math.floor(ms / 3_600_000)
    this.minute = Math.floor(ms / 60_000) % 60
    const wd = weekdayOf(days)
    this.weekday = wd === 0 ? 7 : wd
    // Day and month change once a day; skip the civil-date conversion within a day.
    if (days !== this.lastDay) {
      const c = civilFromDayNumber(days)
      this.day = c.day
      this.month = c.month
      this.lastDay = days
    }
  }

  private lastDay = NaN
}
