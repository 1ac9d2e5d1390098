import {createCalendar} from '../../src/calendar/index.js'
import {localToUtc, utcToLocalParts} from '../../src/calendar/timezone.js'

export const nyse = createCalendar('NYSE')
const NY = 'America/New_York'

function hhmm(t: number): string {
  const p = utcToLocalParts(t, NY)
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`
}

/** The NYSE's hours on a New York date, in New York time: `closed` or e.g. `09:30-13:00`. */
export function hoursOn(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  const s = nyse.sessions(localToUtc(y, m, d, 0, 0, NY), localToUtc(y, m, d, 24, 0, NY))
  if (s.length === 0) return 'closed'
  if (s.length > 1) throw new Error(`${date}: ${s.length} sessions`)
  return `${hhmm(s[0].open)}-${hhmm(s[0].close)}`
}

export const FULL = '09:30-16:00'
export const EARLY = '09:30-13:00'
export const EARLY_2PM = '09:30-14:00'
