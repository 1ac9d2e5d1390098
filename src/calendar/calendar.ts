/**
 * When a market trades. All times are epoch ms (UTC); time zones are handled inside each
 * calendar. A session is [open, close): a bar whose open time t satisfies open <= t < close
 * belongs to the session.
 */
export interface Session {
  readonly open: number
  readonly close: number
}

export interface MarketCalendar {
  /** `24/7`, `NYSE`, or `custom`. */
  readonly name: string
  /** IANA time zone of the market's local dates. */
  readonly timezone: string
  /** True for markets that never close (24/7): runners skip open/close lifecycle hooks. */
  readonly alwaysOpen: boolean
  /**
   * Sessions overlapping [from, to), ascending. A 24/7 market has one session per UTC day.
   * Each call returns a new array; the Session objects in it are frozen and shared. Exchange and
   * custom calendars cover fixed years (NYSE 1990–2099, custom 1970–2099) and throw a BotsError
   * (`calendar.range`) for a range reaching outside them rather than return too few sessions.
   */
  sessions(from: number, to: number): Session[]
  /** Whether `t` is inside a session. */
  isOpen(t: number): boolean
  /** The first session that has not closed by `t` (it may already be open), or undefined past the calendar's range. */
  nextSession(t: number): Session | undefined
  /**
   * A number for the session containing `t`, or -1 when `t` is in no session. Consecutive
   * sessions have consecutive numbers, so two times are in the same session exactly when their
   * numbers are equal (24/7: the UTC day number since 1970-01-01).
   */
  sessionIndexOf(t: number): number
  /** Local trading dates (`YYYY-MM-DD`, in `timezone`) of the sessions overlapping [from, to), ascending. */
  tradingDays(from: number, to: number): string[]
}
