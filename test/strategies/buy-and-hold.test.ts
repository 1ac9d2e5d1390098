import assert from 'node:assert/strict'
import {test} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import buyAndHold from '../../strategies/buy-and-hold.js'
import {dataFile, readCsvBars} from '../helpers/read-csv-bars.js'
import {brokerSpec} from '../engine/engine-fixtures.js'

const DAY = 86_400_000
const bars = () => readCsvBars(dataFile('orcl-1995-2014.txt'), {symbol: 'ORCL', timeframeMs: DAY, timezone: 'America/New_York'})
const run = (params: Record<string, unknown>, broker = brokerSpec()) =>
  runBacktest({spec: {symbols: ['ORCL'], timeframeMs: DAY, sleeptimeMs: DAY, broker}, bars: bars(), definition: buyAndHold, params, calendar: createCalendar('NYSE')})

test('fill at the close: exactly as many whole shares as cash buys at the first bar', async () => {
  const b = bars()
  const r = await run({}, brokerSpec({fillPrice: 'close'}))
  const expected = Math.floor(100_000 / b.close[0])
  assert.deepEqual(r.fills.map((f) => [f.quantity, f.price]), [[expected, b.close[0]]])
  assert.ok(r.finalCash >= 0 && r.finalCash < b.close[0])
  assert.equal(r.finalValue, r.finalCash + expected * b.close[b.length - 1])
})

test('fill at the next open: a buy the gap makes unaffordable is retried with more headroom, never over-spends', async () => {
  const b = bars()
  const r = await run({}, brokerSpec({commission: {percent: 0.1}}))
  // the first day's close (2.117284) sized order meets an open of 2.123457: rejected, then retried
  assert.ok(Math.floor(100_000 / b.close[0]) * b.open[1] > 100_000)
  assert.equal(r.counts.rejected, 1)
  assert.equal(r.fills.length, 1)
  assert.ok(r.finalCash >= 0)
  assert.ok(r.finalCash < 0.02 * 100_000, `most of the cash is invested (left ${r.finalCash})`)
  assert.equal(r.positions[0].quantity, r.fills[0].quantity)
})

test('a contract with a multiplier: as many as cash buys at close × multiplier', async () => {
  const b = bars()
  const r = await run({}, {...brokerSpec({fillPrice: 'close'}), instruments: {ORCL: {multiplier: 100}}})
  assert.deepEqual(r.fills.map((f) => f.quantity), [Math.floor(100_000 / (b.close[0] * 100))])
  assert.ok(r.finalCash >= 0 && r.finalCash < b.close[0] * 100)
})

test('a fixed quantity buys exactly that, once', async () => {
  const r = await run({quantity: 100})
  assert.deepEqual(r.fills.map((f) => f.quantity), [100])
  assert.equal(r.counts.orders, 1)
})
