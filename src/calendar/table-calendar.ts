import {BotsError} from '../core/errors.js'
import type {MarketCalendar, Session} from './calendar.js'
import {DAY_MS} from '../model/time.js'
import {isoDate} from './civil-date.js'
import {SessionTable, type LocalSchedule} from './session-table.js'

/**
 * A calendar over a precomputed session table (NYSE, custom markets). Every query is a binary
 * search; nothing re-evaluates holiday rules after construction.
 */
export class TableCalendar implements MarketCalendar {
  readonly alwaysOpen = false
  private readonly table: SessionTable

  /**
   * @param firstDay, lastDay local day numbers the schedule covers; `sessions()` refuses ranges
   *   outside them rather than silently returning fewer sessions than the market had.
   */
  constructor(
    readonly name: string,
    readonly timezone: string,
    schedule: LocalSchedule,
    private readonly firstDay: number,
    private readonly lastDay: number,
  ) {
    this.table = new SessionTable(timezone, schedule)
  }

  sessions(from: number, to: number): Session[] {
    this.checkCoverage(from, to)
    const [start, end] = this.table.range(from, to)
    return this.table.slice(start, end)
  }

  isOpen(t: number): boolean {
    return this.sessionIndexOf(t) >= 0
  }

  nextSession(t: number): Session | undefined {
    const i = this.table.firstClosingAfter(t)
    return i < this.table.length ? this.table.session(i) : undefined
  }

  sessionIndexOf(t: number): number {
    const i = this.table.firstClosingAfter(t)
    return i < this.table.length && this.table.session(i).open <= t ? i : -1
  }

  tradingDays(from: number, to: number): string[] {
    this.checkCoverage(from, to)
    const [start, end] = this.table.range(from, to)
    const out: string[] = []
    for (let i = start; i < end; i++) out.push(isoDate(this.table.day(i)))
    return out
  }

  private checkCoverage(from: number, to: number): void {
    if (to <= from) return
    // A day of slack either side: the UTC instants of the first/last local days.
    if (from >= (this.firstDay - 1) * DAY_MS && to <= (this.lastDay + 2) * DAY_MS) return
    throw new BotsError(
      `the ${this.name} calendar covers ${isoDate(this.firstDay)} to ${isoDate(this.lastDay)}; ` +
        `asked for ${instant(from)} to ${instant(to)}`,
      {code: 'calendar.range', hint: 'limit the backtest (backtest.start / backtest.end) or the data to those dates'},
    )
  }
}

function instant(t: number): string {
  return Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString() : String(t)
}
