/** Time in force: day orders expire at the close of their session; GTC orders wait. */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'
import {runCandles, type Row} from './candles.js'

const HOUR = 3_600_000
const flat: Row = [10, 10, 10, 10]
const dip: Row = [10, 10, 9, 9.5]

test('24/7: a day order expires at the end of its UTC day, a GTC order still fills the next day', async () => {
  // hourly bars from 22:00: the order is placed seeing the 22:00 bar (at 23:00); the only
  // bar that reaches the limit is the 00:00 bar of the next UTC day.
  const t0 = Date.UTC(2024, 0, 1, 22)
  const rows: Row[] = [flat, flat, dip, flat]
  const run = (timeInForce: 'day' | 'gtc') =>
    runCandles({
      bars: [barsFromRows('X', HOUR, rows.map(([open, high, low, close], i) => ({time: t0 + i * HOUR, open, high, low, close})))],
      tf: HOUR,
      script: {0: (ctx) => ctx.buy(1, {type: 'limit', limitPrice: 9, timeInForce})},
    })
  const day = await run('day')
  assert.equal(day.fills.length, 0)
  assert.equal(day.orders[0].status, 'canceled')
  assert.deepEqual(day.events, ['canceled #1: day order expired at the session close'])
  const gtc = await run('gtc')
  assert.deepEqual(gtc.fills.map((f) => f.price), [9])
})

test('exchange sessions: a day order is canceled at its session close, before afterMarketCloses', async () => {
  const calendar = createCalendar({timezone: 'UTC', open: '09:00', close: '12:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []})
  const day0 = Date.UTC(2024, 0, 1, 9) // Monday
  const rows: {time: number; open: number; high: number; low: number; close: number}[] = []
  for (const d of [0, 1]) for (let h = 0; h < 3; h++) rows.push({time: day0 + d * 24 * HOUR + h * HOUR, open: 10, high: 10, low: d === 1 ? 8 : 10, close: 10})
  const seen: string[] = []
  const definition = strategyOf('day-order', () => ({
    onTradingIteration(ctx) {
      if (ctx.barCount() === 1) ctx.buy(1, {type: 'limit', limitPrice: 9, timeInForce: 'day'})
    },
    onCanceledOrder(ctx, order) {
      seen.push(`canceled at ${(ctx.now - day0) / HOUR}h: ${order.reason}`)
    },
    afterMarketCloses(ctx) {
      seen.push(`close at ${(ctx.now - day0) / HOUR}h, open orders ${ctx.openOrders().length}`)
    },
  }))
  const r = await runBacktest({
    spec: {symbols: ['X'], timeframeMs: HOUR, sleeptimeMs: HOUR, broker: brokerSpec()},
    bars: barsFromRows('X', HOUR, rows),
    definition,
    calendar,
  })
  assert.equal(r.fills.length, 0, 'the next session dips to 8 but the order is gone')
  assert.deepEqual(seen, ['canceled at 3h: day order expired at the session close', 'close at 3h, open orders 0', 'close at 27h, open orders 0'])
})
