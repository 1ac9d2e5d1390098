import {BotsError} from '../core/errors.js'
import type {CustomMarket} from '../model/bot-spec.js'
import type {MarketCalendar} from './calendar.js'
import {dayNumber, parseIsoDate, weekdayOf} from './civil-date.js'
import {buildSchedule, type DayHours} from './session-table.js'
import {TableCalendar} from './table-calendar.js'
import {isValidTimeZone} from './timezone.js'

export const CUSTOM_FIRST_YEAR = 1970
export const CUSTOM_LAST_YEAR = 2099

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const HH_MM = /^(\d{2}):(\d{2})$/

/**
 * Regular hours `open`–`close` in `timezone` on the listed weekdays, minus `holidays`. `close`
 * may be `24:00` (local midnight at the end of the day). Hours are wall-clock times, so the UTC
 * instants move with daylight saving time.
 */
export function createCustomCalendar(market: CustomMarket): MarketCalendar {
  const {timezone} = market
  if (!isValidTimeZone(timezone)) {
    throw new BotsError(`unknown time zone "${timezone}"`, {code: 'calendar.timezone', path: '/market/timezone', hint: 'use an IANA name such as Europe/Berlin'})
  }
  const open = minutesOf(market.open, 'open')
  const close = minutesOf(market.close, 'close')
  if (close <= open) {
    throw new BotsError(`close ${market.close} is not after open ${market.open}`, {code: 'calendar.hours', path: '/market/close', hint: 'sessions that cross midnight are not supported; use 24/7'})
  }
  const days = market.days ?? ['mon', 'tue', 'wed', 'thu', 'fri']
  // No trading day: no session ever, so nothing would iterate and a year would hold 0 sessions.
  if (days.length === 0) throw new BotsError('the market has no trading day (`days: []`)', {code: 'calendar.days', path: '/market/days', hint: 'list at least one weekday, e.g. [mon, tue, wed, thu, fri]'})
  const weekdays = new Set(days.map((name) => weekdayIndex(name)))
  const holidays = new Set((market.holidays ?? []).map((text) => holidayDay(text)))
  const hours: DayHours = {open, close}
  const firstDay = dayNumber(CUSTOM_FIRST_YEAR, 1, 1)
  const lastDay = dayNumber(CUSTOM_LAST_YEAR, 12, 31)
  const schedule = buildSchedule(firstDay, lastDay, (d) => (weekdays.has(weekdayOf(d)) && !holidays.has(d) ? hours : undefined))
  return new TableCalendar('custom', timezone, schedule, firstDay, lastDay)
}

function minutesOf(text: string, field: 'open' | 'close'): number {
  const m = HH_MM.exec(text)
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN
  const max = field === 'close' ? 24 * 60 : 24 * 60 - 1
  if (!m || Number(m[2]) > 59 || minutes > max) {
    throw new BotsError(`market ${field} "${text}" is not a time`, {code: 'calendar.hours', path: `/market/${field}`, hint: `write HH:MM, 00:00 to ${field === 'close' ? '24:00' : '23:59'}`})
  }
  return minutes
}

function weekdayIndex(name: string): number {
  const i = WEEKDAYS.indexOf(name.toLowerCase())
  if (i < 0) {
    throw new BotsError(`unknown weekday "${name}"`, {code: 'calendar.days', path: '/market/days', hint: `use ${WEEKDAYS.join(', ')}`})
  }
  return i
}

function holidayDay(text: string): number {
  const d = parseIsoDate(text)
  if (d === undefined) {
    throw new BotsError(`holiday "${text}" is not a date`, {code: 'calendar.holidays', path: '/market/holidays', hint: 'write YYYY-MM-DD'})
  }
  return d
}
