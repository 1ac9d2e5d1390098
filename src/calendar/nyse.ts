import type {MarketCalendar} from './calendar.js'
import {dayNumber, weekdayOf} from './civil-date.js'
import {NYSE_FIRST_YEAR, NYSE_LAST_YEAR, nyseEarlyCloses, nyseHolidays} from './nyse-rules.js'
import {buildSchedule, type DayHours} from './session-table.js'
import {TableCalendar} from './table-calendar.js'

export const NYSE_TIMEZONE = 'America/New_York'
const OPEN = 9 * 60 + 30
const CLOSE = 16 * 60

/** The NYSE regular session, 09:30–16:00 New York time, NYSE_FIRST_YEAR through NYSE_LAST_YEAR. */
export function createNyseCalendar(): MarketCalendar {
  const firstDay = dayNumber(NYSE_FIRST_YEAR, 1, 1)
  const lastDay = dayNumber(NYSE_LAST_YEAR, 12, 31)
  const closed = new Set<number>()
  const early = new Map<number, number>()
  for (let y = NYSE_FIRST_YEAR; y <= NYSE_LAST_YEAR; y++) {
    for (const d of nyseHolidays(y)) closed.add(d)
    for (const [d, close] of nyseEarlyCloses(y)) early.set(d, close)
  }
  const regular: DayHours = {open: OPEN, close: CLOSE}
  const schedule = buildSchedule(firstDay, lastDay, (d) => {
    const w = weekdayOf(d)
    if (w === 0 || w === 6 || closed.has(d)) return undefined
    const close = early.get(d)
    return close === undefined ? regular : {open: OPEN, close}
  })
  return new TableCalendar('NYSE', NYSE_TIMEZONE, schedule, firstDay, lastDay)
}
