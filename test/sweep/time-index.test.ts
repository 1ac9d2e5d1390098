/**
 * The sweep's time index (for the benchmark, the metrics' dates and the recorded equity curves) is
 * computed from the bars, without running anything: it must be the index every run has.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {barsFromRows, emptyBars, type Bars} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {runTimeIndex} from '../../src/sweep/run-sweep.js'
import {brokerSpec, strategyOf} from '../engine/engine-fixtures.js'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)

const daily = (symbol: string, days: number[]): Bars =>
  barsFromRows(symbol, DAY, days.map((d) => ({time: T0 + d * DAY, open: 10 + d, high: 11 + d, low: 9 + d, close: 10.5 + d})))

async function engineIndex(symbols: string[], bars: Bars[]): Promise<number[]> {
  const spec = {symbols, timeframeMs: DAY, sleeptimeMs: DAY, broker: brokerSpec()}
  const r = await runBacktest({spec, bars, definition: strategyOf('idle', () => ({})), params: {}, calendar: createCalendar('24/7')})
  return Array.from(r.equity.time)
}

test('several symbols: the union of their times, as the engine runs them (symbols in the spec\'s order)', async () => {
  const bars = [daily('B', [1, 2, 5, 6]), daily('A', [0, 2, 3, 7])]
  const spec = {symbols: ['A', 'B'], timeframeMs: DAY}
  const index = runTimeIndex(spec, bars)
  assert.deepEqual(Array.from(index), [0, 1, 2, 3, 5, 6, 7].map((d) => T0 + d * DAY))
  assert.deepEqual(Array.from(index), await engineIndex(spec.symbols, bars))
})

test('one symbol: its own times, not a copy, cut to its length', async () => {
  const b = daily('X', [0, 1, 3])
  const index = runTimeIndex({symbols: ['X'], timeframeMs: DAY}, [b])
  assert.equal(index.buffer, b.time.buffer)
  assert.deepEqual(Array.from(index), await engineIndex(['X'], [b]))
  // A series whose arrays have spare room (as a growing feed's do).
  const roomy = {...emptyBars('X', DAY, 5), length: 2}
  roomy.time.set([T0, T0 + DAY, 0, 0, 0])
  assert.deepEqual(Array.from(runTimeIndex({symbols: ['X'], timeframeMs: DAY}, [roomy])), [T0, T0 + DAY])
  assert.equal(runTimeIndex({symbols: ['X'], timeframeMs: DAY}, [emptyBars('X', DAY)]).length, 0)
})

test('bars out of order: the engine\'s located error, before any run', () => {
  const bad = daily('A', [0, 2, 1])
  assert.throws(() => runTimeIndex({symbols: ['A', 'B'], timeframeMs: DAY}, [bad, daily('B', [0])]), (e: any) => e.name === 'BotsError' && e.diagnostic.code === 'engine.bars.order' && /bars of A are not in strictly increasing time order/.test(e.message))
})
