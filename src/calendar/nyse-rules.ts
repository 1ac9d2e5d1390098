/**
 * NYSE holidays and early closes as rules, 1990 onwards. Checked against exchange_calendars
 * (XNYS) and pandas_market_calendars (see test/fixtures/calendar/README.md). Rules that changed
 * carry the year they changed; one-off events are dated lists.
 */
import {
  civilFromDayNumber,
  dayNumber,
  easterSunday,
  lastWeekday,
  MONDAY,
  nthWeekday,
  parseIsoDate,
  SATURDAY,
  SUNDAY,
  THURSDAY,
  TUESDAY,
  WEDNESDAY,
  weekdayOf,
} from './civil-date.js'

export const NYSE_FIRST_YEAR = 1990
export const NYSE_LAST_YEAR = 2099

const EARLY_CLOSE = 13 * 60
/** Before 1993 the NYSE's early close was 14:00. */
const EARLY_CLOSE_BEFORE_1993 = 14 * 60

/** Dated one-offs grouped by year. */
function byYear(dates: string[]): Map<number, number[]> {
  const out = new Map<number, number[]>()
  for (const date of dates) {
    const d = parseIsoDate(date)!
    const year = civilFromDayNumber(d).year
    out.set(year, [...(out.get(year) ?? []), d])
  }
  return out
}

/** Unscheduled full-day closures since 1990. */
const SPECIAL_CLOSURES = byYear([
  '1994-04-27', // Richard Nixon, day of mourning
  '2001-09-11', // September 11 attacks, to 2001-09-14
  '2001-09-12',
  '2001-09-13',
  '2001-09-14',
  '2004-06-11', // Ronald Reagan, day of mourning
  '2007-01-02', // Gerald Ford, day of mourning
  '2012-10-29', // Hurricane Sandy
  '2012-10-30',
  '2018-12-05', // George H. W. Bush, day of mourning
  '2025-01-09', // Jimmy Carter, day of mourning
])

/** One-off 13:00 closes that no rule produces (not 2008-12-26 nor 2014-12-26: full days). */
const SPECIAL_EARLY_CLOSES = byYear(['1997-12-26', '1999-12-31', '2003-12-26'])

/** Saturday → Friday before, Sunday → Monday after. */
function nearestWeekday(d: number): number {
  const w = weekdayOf(d)
  return w === SATURDAY ? d - 1 : w === SUNDAY ? d + 1 : d
}

/** Full-day closures of `year` that fall on weekdays, unordered. */
export function nyseHolidays(year: number): number[] {
  const out: number[] = []
  // New Year's Day: Sunday → Monday; a Saturday New Year's is not observed at all, the
  // Friday before (Dec 31) trades as usual (2005, 2011, 2022).
  const newYear = dayNumber(year, 1, 1)
  if (weekdayOf(newYear) !== SATURDAY) out.push(nearestWeekday(newYear))
  if (year >= 1998) out.push(nthWeekday(year, 1, MONDAY, 3)) // Martin Luther King Jr. Day
  out.push(nthWeekday(year, 2, MONDAY, 3)) // Washington's Birthday
  out.push(easterSunday(year) - 2) // Good Friday
  out.push(lastWeekday(year, 5, MONDAY)) // Memorial Day
  if (year >= 2022) out.push(nearestWeekday(dayNumber(year, 6, 19))) // Juneteenth
  out.push(nearestWeekday(dayNumber(year, 7, 4))) // Independence Day
  out.push(nthWeekday(year, 9, MONDAY, 1)) // Labor Day
  out.push(nthWeekday(year, 11, THURSDAY, 4)) // Thanksgiving
  out.push(nearestWeekday(dayNumber(year, 12, 25))) // Christmas
  for (const d of SPECIAL_CLOSURES.get(year) ?? []) out.push(d)
  return out
}

/** Early closes of `year`: day number → close in minutes after local midnight. */
export function nyseEarlyCloses(year: number): Map<number, number> {
  const out = new Map<number, number>()
  const early = year < 1993 ? EARLY_CLOSE_BEFORE_1993 : EARLY_CLOSE

  // Around Independence Day, from 1995: July 3 when it is a Monday, Tuesday or Thursday. When
  // July 4 is a Thursday, the early close was Friday July 5 until 2012, Wednesday July 3 since 2013.
  if (year >= 1995) {
    const july3 = dayNumber(year, 7, 3)
    const w = weekdayOf(july3)
    if (w === MONDAY || w === TUESDAY || w === THURSDAY) out.set(july3, early)
    if (w === WEDNESDAY) out.set(year >= 2013 ? july3 : july3 + 2, early)
  }
  // Day after Thanksgiving, from 1992.
  if (year >= 1992) out.set(nthWeekday(year, 11, THURSDAY, 4) + 1, early)
  // Christmas Eve, Monday to Thursday (a Friday Christmas Eve is the observed holiday).
  const christmasEve = dayNumber(year, 12, 24)
  if (weekdayOf(christmasEve) >= MONDAY && weekdayOf(christmasEve) <= THURSDAY) out.set(christmasEve, early)

  for (const d of SPECIAL_EARLY_CLOSES.get(year) ?? []) out.set(d, EARLY_CLOSE)
  return out
}
