/**
 * Market calendars: `createCalendar(spec.market)` is the only entry point the engine needs.
 * Conventions (see calendar.ts): epoch-ms UTC everywhere, sessions are [open, close).
 */
import type {MarketSpec} from '../model/bot-spec.js'
import {AlwaysOpenCalendar} from './always-open.js'
import type {MarketCalendar} from './calendar.js'
import {createCustomCalendar} from './custom-market.js'
import {createNyseCalendar} from './nyse.js'

export type {MarketCalendar, Session} from './calendar.js'
export {localDateOf, localToUtc, utcOffset, utcToLocalParts, type LocalParts} from './timezone.js'

const alwaysOpen = new AlwaysOpenCalendar()
let nyse: MarketCalendar | undefined

/**
 * The calendar of a spec's `market`. Calendars are immutable: the 24/7 and NYSE ones are shared
 * singletons, so asking again is free. Throws a BotsError for an invalid custom market.
 */
export function createCalendar(market: MarketSpec): MarketCalendar {
  if (market === '24/7') return alwaysOpen
  if (market === 'NYSE') return (nyse ??= createNyseCalendar())
  return createCustomCalendar(market)
}

/** Time zone in which a market's dates and naive timestamps are read. */
export function marketTimezone(market: MarketSpec): string {
  if (market === '24/7') return 'UTC'
  if (market === 'NYSE') return 'America/New_York'
  return market.timezone
}
