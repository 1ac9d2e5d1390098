/**
 * Market calendars: `createCalendar(spec.market)` is the only entry point the engine needs.
 * Conventions (see calendar.ts): epoch-ms UTC everywhere, sessions are [open, close).
 */
import type {MarketSpec} from '../spec/bot-spec.js'
import {AlwaysOpenCalendar} from './always-open.js'
import type {MarketCalendar} from './calendar.js'

export type {MarketCalendar, Session} from './calendar.js'

const alwaysOpen = new AlwaysOpenCalendar()

export function createCalendar(market: MarketSpec): MarketCalendar {
  if (market === '24/7') return alwaysOpen
  throw new Error(`market ${JSON.stringify(market)} is not supported yet`)
}
