/**
 * A paper broker driven bar by bar as a live bot's session drives it (processBar, markBar, a hook,
 * afterHook), for tests that save its snapshot and restore it into a fresh one: 24/7, hourly bars,
 * commission 1 per fill, at most 10% of a bar's volume per fill (broker.max_volume_share).
 */
import {SimulatedClock} from '../../src/core/clock.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketView} from '../../src/engine/market-view.js'
import {StrategyApi} from '../../src/engine/strategy-api.js'
import {SimulatedBroker} from '../../src/broker/simulated-broker.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'

export const HOUR = 3_600_000

export interface World {
  broker: SimulatedBroker
  api: StrategyApi
  view: MarketView
  clock: SimulatedClock
  /** What the broker told its listener: `filled #id side qty @ price`, `status #id: reason`. */
  events: string[]
}

export function paperWorld(view: MarketView, start: number, events: string[] = []): World {
  const spec: BrokerSpec = {cash: 100_000, commission: {perShare: 0, percent: 0, fixed: 1, minimum: 0}, slippageBps: 0, allowShort: true, fillPrice: 'next_open', maxVolumeShare: 0.1}
  const clock = new SimulatedClock(start)
  const broker = new SimulatedBroker({broker: spec, market: view, clock, calendar: createCalendar('24/7'), equity: new Float64Array(view.length)})
  broker.listener = {
    filled: (o, f) => events.push(`filled #${o.id} ${f.side} ${f.quantity} @ ${f.price}`),
    canceled: (o) => events.push(`${o.status} #${o.id}: ${o.reason}`),
  }
  const api = new StrategyApi(clock, view, broker, {info() {}, warn() {}, error() {}}, HOUR)
  return {broker, api, view, clock, events}
}

/** Bar `i` as a session runs it: its orders matched, marked, then `hook` (the strategy) at its close. */
export function stepBar(w: World, i: number, hook?: (api: StrategyApi) => void): void {
  w.clock.advanceTo(w.view.time[i])
  w.broker.processBar(i)
  w.view.cursor = i
  w.broker.markBar(i)
  w.clock.advanceTo(w.view.closeOf(i))
  hook?.(w.api)
  w.broker.afterHook()
}
