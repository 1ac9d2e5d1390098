import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import smaCross from '../../strategies/sma-cross.js'
import {brokerSpec} from '../engine/engine-fixtures.js'
import {observe} from './observe.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1)

/** Closes as flat bars (open = high = low = close), one a minute. */
function series(symbol: string, closes: number[]) {
  return barsFromRows(symbol, MIN, closes.map((c, i) => ({time: T0 + i * MIN, open: c, high: c, low: c, close: c})))
}

async function run(closes: number[] | ReturnType<typeof series>[], params: Record<string, unknown>, symbols = ['X']) {
  const {definition, seen} = observe(smaCross)
  const bars = Array.isArray(closes) && typeof closes[0] === 'number' ? [series('X', closes as number[])] : (closes as ReturnType<typeof series>[])
  const result = await runBacktest({spec: {symbols, timeframeMs: MIN, sleeptimeMs: MIN, broker: brokerSpec()}, bars, definition, params, calendar: createCalendar('24/7')})
  return {result, seen}
}

test('check(): fast must be below slow, reported on fast', () => {
  assert.deepEqual(smaCross.check!({fast: 10, slow: 30, quantity: 10}), [])
  const [problem] = smaCross.check!({fast: 30, slow: 30, quantity: 10})
  assert.equal(problem.param, 'fast')
  assert.match(problem.message, /fast \(30\) must be smaller than slow \(30\)/)
  assert.equal(smaCross.warmup!({fast: 3, slow: 5, quantity: 1}), 6)
})

test('buys `quantity` on an up-cross when flat, closes on a down-cross, never shorts', async () => {
  // fast 2 / slow 3. Down, then up (cross up at bar 5), then down (cross down at bar 9).
  const closes = [10, 9, 8, 7, 9, 12, 13, 12, 9, 6, 5, 5]
  const {result, seen} = await run(closes, {fast: 2, slow: 3, quantity: 7})
  // bar 4: fast (7+9)/2 = 8, slow (8+7+9)/3 = 8: a touch; bar 5: fast 10.5 > slow 9.33: up (last non-zero was below)
  // bar 8: fast 10.5 < slow 11.33 after being above: down
  assert.deepEqual(seen.orders.map(({order, barCount}) => [order.side, order.quantity, barCount]), [['buy', 7, 6], ['sell', 7, 9]])
  assert.deepEqual(result.fills.map((f) => f.price), [13, 6]) // next opens
  assert.equal(result.trades.length, 1)
  assert.equal(result.positions.length, 0, 'the second down-leg (bars 9-11) opens no short')
})

test('a down-cross while flat does nothing; defaults (10/30, 10 units) apply to missing params', async () => {
  const falling = Array.from({length: 60}, (_, i) => 100 + 10 * Math.sin(i / 5))
  const a = await run(falling, {})
  const b = await run(falling, {fast: 10, slow: 30, quantity: 10})
  assert.deepEqual(a.seen.orders.map(({order}) => [order.side, order.quantity]), b.seen.orders.map(({order}) => [order.side, order.quantity]))
  assert.ok(a.seen.orders.length > 0)
  assert.equal(a.seen.orders[0].order.side, 'buy', 'the first order is a buy even if a down-cross came first')
})

test('sparse iterations: indicators still see every bar', async () => {
  const closes = [10, 9, 8, 7, 9, 12, 13, 12, 9, 6, 5, 5]
  const {definition, seen} = observe(smaCross)
  await runBacktest({
    spec: {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: 3 * MIN, broker: brokerSpec()},
    bars: series('X', closes),
    definition,
    params: {fast: 2, slow: 3, quantity: 7},
    calendar: createCalendar('24/7'),
  })
  // iterations see bars 1, 4, 7, 10: the up-cross of bar 6 acts at bar 7, the down-cross of bar 9 at bar 10
  assert.deepEqual(seen.orders.map(({order, barCount}) => [order.side, barCount]), [['buy', 7], ['sell', 10]])
})

test('several symbols are traded independently', async () => {
  const up = [10, 9, 8, 7, 9, 12, 13, 14, 15, 16]
  const flat = up.map(() => 50)
  const {result} = await run([series('A', up), series('B', flat)], {fast: 2, slow: 3, quantity: 1}, ['A', 'B'])
  assert.deepEqual(result.fills.map((f) => f.symbol), ['A'])
})

test('percent sizes by notional: a contract counts at close × its multiplier', async () => {
  const closes = [10, 9, 8, 7, 9, 12, 13, 12, 9, 6, 5, 5]
  const at = async (instruments?: Record<string, {multiplier: number}>) => {
    const {definition, seen} = observe(smaCross)
    await runBacktest({spec: {symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, broker: {...brokerSpec(), ...(instruments ? {instruments} : {})}}, bars: series('X', closes), definition, params: {fast: 2, slow: 3, percent: 50}, calendar: createCalendar('24/7')})
    return seen.orders[0].order.quantity
  }
  // 50% of 100,000 at the signal close 12: 4,166 units; in contracts of 10 × 12: 416.
  assert.equal(await at(), 4166)
  assert.equal(await at({X: {multiplier: 10}}), 416)
})
