import type {MarketCalendar, Session} from './calendar.js'
import {DAY_MS} from '../model/time.js'
import {isoDate} from './civil-date.js'

/**
 * A market that never closes (crypto). Sessions are UTC days only so that daily bookkeeping
 * (daily bars, "one session per day" reports) has boundaries; `alwaysOpen` tells runners to skip
 * the open/close hooks. Unbounded: no table, every answer is arithmetic.
 */
export class AlwaysOpenCalendar implements MarketCalendar {
  readonly name = '24/7'
  readonly timezone = 'UTC'
  readonly alwaysOpen = true

  sessions(from: number, to: number): Session[] {
    const out: Session[] = []
    if (to <= from) return out
    for (let d = Math.floor(from / DAY_MS); d * DAY_MS < to; d++) out.push(daySession(d))
    return out
  }

  isOpen(_t: number): boolean {
    return true
  }

  nextSession(t: number): Session {
    return daySession(Math.floor(t / DAY_MS))
  }

  sessionIndexOf(t: number): number {
    return Math.floor(t / DAY_MS)
  }

  tradingDays(from: number, to: number): string[] {
    const out: string[] = []
    if (to <= from) return out
    for (let d = Math.floor(from / DAY_MS); d * DAY_MS < to; d++) out.push(isoDate(d))
    return out
  }
}

function daySession(d: number): Session {
  return {open: d * DAY_MS, close: (d + 1) * DAY_MS}
}
