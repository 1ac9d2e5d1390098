/**
 * Day orders on bars longer than a session (weekly bars): the order is good for one session, but
 * the bar after it was placed holds the whole week. Only the bar's open is known to have traded in
 * that session, so the order is matched against the open alone; otherwise it expires. Daily and
 * intraday bars are unchanged. Rows are [open, high, low, close]; no commission, no slippage.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {barsFromRows} from '../../src/core/bars.js'
import {SimulatedClock} from '../../src/core/clock.js'
import {SimulatedBroker} from '../../src/broker/simulated-broker.js'
import type {BrokerSnapshot} from '../../src/broker/broker-snapshot.js'
import {alignBars} from '../../src/engine/market-view.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {StrategyApi} from '../../src/engine/strategy-api.js'
import type {OrderRequest} from '../../src/model/orders.js'
import type {StrategyContext} from '../../src/model/strategy.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'
import type {Row} from './candles.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const WEEK = 7 * DAY
const NYSE = createCalendar('NYSE')
const ALWAYS = createCalendar('24/7')
// Mondays at midnight in New York (05:00 UTC, standard time): weekly bars as a data vendor stamps them.
const JAN_22 = Date.UTC(2024, 0, 22, 5)

/** One iteration per bar; `orders` are placed at the close of bar `at` (default 0). The runner is picked from the timeframe, as `bots backtest` does. */
async function run(o: {times: number[]; rows: Row[]; tf: number; calendar: MarketCalendar; orders: (ctx: StrategyContext) => void; at?: number}) {
  const events: string[] = []
  const bars = barsFromRows('X', o.tf, o.rows.map(([open, high, low, close], i) => ({time: o.times[i], open, high, low, close})))
  const definition = strategyOf('day-orders', () => ({
    onTradingIteration(ctx) {
      if (ctx.barCount() === (o.at ?? 0) + 1) o.orders(ctx)
    },
    onFilledOrder(_ctx, order, fill) {
      events.push(`filled #${order.id} ${fill.side} ${fill.quantity} @ ${fill.price}`)
    },
    onCanceledOrder(_ctx, order) {
      events.push(`${order.status} #${order.id}: ${order.reason}`)
    },
  }))
  const r = await runBacktest({spec: {symbols: ['X'], timeframeMs: o.tf, sleeptimeMs: o.tf, broker: brokerSpec()}, bars, definition, calendar: o.calendar})
  return {...r, events}
}

const limitBuy = (timeInForce: 'day' | 'gtc', limitPrice = 95) => (ctx: StrategyContext) => ctx.buy(1, {type: 'limit', limitPrice, timeInForce})
const weeks = (n: number) => Array.from({length: n}, (_, i) => JAN_22 + i * WEEK)

test('weekly bars: a day limit the week reaches after its session, but not the open, does not fill; it expires', async () => {
  // Placed at the close of the week of Jan 22 (Monday Jan 29, 00:00 New York): good for Monday
  // Jan 29's session. The week of Jan 29 opens at 100 and goes down to 94 at some time that week;
  // only the open (100 > 95) is known to be Monday's.
  const r = await run({times: weeks(3), rows: [[100, 100, 100, 100], [100, 102, 94, 98], [98, 98, 98, 98]], tf: WEEK, calendar: NYSE, orders: limitBuy('day')})
  assert.equal(r.runner, 'daily')
  assert.equal(r.fills.length, 0)
  assert.deepEqual(r.events, ['canceled #1: day order expired at the session close'])
  assert.deepEqual(r.positions, [])
})

test('weekly bars: a day limit the open reaches fills at the open; a day market order at the open as before', async () => {
  // The week of Jan 29 opens at 94, at or below both limits: bought at 94.
  const r = await run({
    times: weeks(3),
    rows: [[100, 100, 100, 100], [94, 102, 90, 98], [98, 98, 98, 98]],
    tf: WEEK,
    calendar: NYSE,
    orders: (ctx) => {
      limitBuy('day')(ctx)
      ctx.buy(1, {timeInForce: 'day'})
      ctx.sell(1, {type: 'stop', stopPrice: 95, timeInForce: 'day'}) // opened below its stop: a gap, sold at the open
      ctx.sell(1, {type: 'stop', stopPrice: 91, timeInForce: 'day'}) // only the week's low (90) reaches it: expires
    },
  })
  assert.deepEqual(r.events, ['filled #1 buy 1 @ 94', 'filled #2 buy 1 @ 94', 'filled #3 sell 1 @ 94', 'canceled #4: day order expired at the session close'])
})

test('weekly bars: a GTC limit still fills where the week reached it', async () => {
  const r = await run({times: weeks(3), rows: [[100, 100, 100, 100], [100, 102, 94, 98], [98, 98, 98, 98]], tf: WEEK, calendar: NYSE, orders: limitBuy('gtc')})
  assert.deepEqual(r.events, ['filled #1 buy 1 @ 95'])
})

test('weekly bars: a day OCO pair, each leg reached only after the session (the low, the high), fills neither leg', async () => {
  const pair = (ctx: StrategyContext) => {
    const a: OrderRequest = {side: 'buy', quantity: 1, type: 'limit', limitPrice: 95, timeInForce: 'day'}
    ctx.submitOco(a, {side: 'buy', quantity: 1, type: 'stop', stopPrice: 101, timeInForce: 'day'})
  }
  const r = await run({times: weeks(3), rows: [[100, 100, 100, 100], [100, 102, 94, 98], [98, 98, 98, 98]], tf: WEEK, calendar: NYSE, orders: pair})
  assert.equal(r.fills.length, 0)
  assert.deepEqual(r.events, ['canceled #1: day order expired at the session close', 'canceled #2: OCO: order 1 was canceled'])
  assert.equal(r.counts.sameBar, undefined)
})

test('daily bars are unchanged: a day limit reached by the next day’s low fills at the limit', async () => {
  const rows: Row[] = [[100, 100, 100, 100], [100, 102, 94, 98], [98, 98, 98, 98]]
  const days = (t0: number, step: number[]) => step.map((d) => t0 + d * DAY)
  const cases: Array<[string, number[], MarketCalendar]> = [
    // 24/7, bars at UTC midnight: placed at Jan 2 00:00, good until Jan 3 00:00, the end of bar 1
    ['24/7 at midnight', days(Date.UTC(2024, 0, 1), [0, 1, 2]), ALWAYS],
    // 24/7, bars at 08:00: bar 1 runs 8 hours into the next UTC day, no whole day: as before
    ['24/7 at 08:00', days(Date.UTC(2024, 0, 1, 8), [0, 1, 2]), ALWAYS],
    // NYSE, bars at midnight New York: placed Tuesday 00:00, good for Tuesday's session
    ['NYSE at midnight', days(JAN_22, [0, 1, 2]), NYSE],
    // NYSE, Friday's bar closes Saturday: the order is good for Monday's session, Monday's bar
    ['NYSE over a weekend', days(Date.UTC(2024, 0, 26, 5), [0, 3, 4]), NYSE],
    // NYSE, bars at the session open (09:30 New York, 14:30 UTC); the last one ends at +24 hours
    ['NYSE at the open', days(Date.UTC(2024, 0, 22, 14, 30), [0, 1, 2]), NYSE],
  ]
  for (const [name, times, calendar] of cases) {
    const r = await run({times, rows, tf: DAY, calendar, orders: limitBuy('day')})
    assert.deepEqual(r.events, ['filled #1 buy 1 @ 95'], name)
  }
})

test('intraday bars are unchanged: an hourly bar that straddles the 24/7 midnight fills a day limit at the limit', async () => {
  // Bars at :30 from 21:30. Placed at 23:30 (seeing the 22:30 bar), good until 00:00; the 23:30
  // bar, which runs into the next UTC day, reaches the limit (when, inside that hour, is unknown): filled as before.
  const t0 = Date.UTC(2024, 0, 1, 21, 30)
  const rows: Row[] = [[100, 100, 100, 100], [100, 100, 100, 100], [100, 102, 94, 98], [98, 98, 98, 98]]
  const r = await run({times: [0, 1, 2, 3].map((h) => t0 + h * HOUR), rows, tf: HOUR, calendar: ALWAYS, orders: limitBuy('day'), at: 1})
  assert.equal(r.runner, 'backtest')
  assert.deepEqual(r.events, ['filled #1 buy 1 @ 95'])
})

test('a day order restored from a snapshot on weekly bars still sees only the open', () => {
  const times = weeks(3)
  const view = () => alignBars(['X'], [barsFromRows('X', WEEK, [[100, 100, 100, 100], [100, 102, 94, 98], [98, 98, 98, 98]].map(([open, high, low, close], i) => ({time: times[i], open, high, low, close})))], WEEK)
  const make = (v: ReturnType<typeof view>, now: number, events: string[]) => {
    const clock = new SimulatedClock(now)
    const broker = new SimulatedBroker({broker: brokerSpec(), market: v, clock, calendar: NYSE, equity: new Float64Array(v.length)})
    broker.listener = {filled: (o, f) => events.push(`filled #${o.id} @ ${f.price}`), canceled: (o) => events.push(`${o.status} #${o.id}: ${o.reason}`)}
    return {clock, broker, api: new StrategyApi(clock, v, broker, {info() {}, warn() {}, error() {}}, WEEK)}
  }
  const v1 = view()
  const first = make(v1, times[0], [])
  first.broker.processBar(0)
  v1.cursor = 0
  first.broker.markBar(0)
  first.clock.advanceTo(v1.closeOf(0))
  first.api.buy(1, {type: 'limit', limitPrice: 95, timeInForce: 'day'})
  const saved = JSON.parse(JSON.stringify(first.broker.snapshot())) as BrokerSnapshot
  assert.equal(saved.openOrders[0].expiresAt, Date.UTC(2024, 0, 29, 21)) // Monday Jan 29, 16:00 New York

  const events: string[] = []
  const v2 = view()
  v2.cursor = 0
  const second = make(v2, first.clock.now(), events)
  second.broker.restore(saved)
  for (const i of [1, 2]) {
    second.clock.advanceTo(v2.time[i])
    second.broker.processBar(i)
    v2.cursor = i
    second.broker.markBar(i)
  }
  assert.deepEqual(events, ['canceled #1: day order expired at the session close'])
})
