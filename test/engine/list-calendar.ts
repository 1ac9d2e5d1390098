/** A calendar from an explicit list of sessions, for tests that need odd or random sessions. */
import type {MarketCalendar, Session} from '../../src/calendar/calendar.js'

export class ListCalendar implements MarketCalendar {
  readonly name = 'custom'
  readonly timezone = 'UTC'
  readonly alwaysOpen = false

  constructor(private readonly list: readonly Session[]) {}

  sessions(from: number, to: number): Session[] {
    return this.list.filter((s) => s.close > from && s.open < to)
  }
  isOpen(t: number): boolean {
    return this.list.some((s) => s.open <= t && t < s.close)
  }
  nextSession(t: number): Session | undefined {
    return this.list.find((s) => s.close > t)
  }
  sessionIndexOf(t: number): number {
    return this.list.findIndex((s) => s.open <= t && t < s.close)
  }
  tradingDays(): string[] {
    return []
  }
}
