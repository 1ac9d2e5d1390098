/** Civil (wall-clock) dates and times, as calendars and time zones hand them out. Months are 1–12. */
export const DAY_MS = 86_400_000

export interface CivilDate {
  year: number
  /** 1–12 */
  month: number
  /** 1–31 */
  day: number
}

export interface CivilDateTime extends CivilDate {
  hour: number
  minute: number
  second: number
  millisecond: number
}
