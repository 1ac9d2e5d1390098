import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {chartColumns, chartData, type ChartData, type ChartInput} from '../../src/report/chart-data.js'
import {CURVES, unpackCharts} from '../../src/report/chart-json.js'
import {rolling} from '../../src/report/rolling.js'
import {drawdownSeries} from '../../src/metrics/drawdown.js'
import type {Bars} from '../../src/model/bars.js'
import type {Trade} from '../../src/model/trade.js'

const MINUTE = 60_000

function bars(closes: number[]): Bars {
  const n = closes.length
  const time = Float64Array.from(closes, (_, i) => 1_700_000_000_000 + i * MINUTE)
  const close = Float64Array.from(closes)
  return {symbol: 'X', timeframeMs: MINUTE, length: n, time, open: close.map((c) => c * 0.99), high: close.map((c) => c * 1.01), low: close.map((c) => c * 0.98), close, volume: new Float64Array(n).fill(10)} as Bars
}

function input(closes: number[]): ChartInput {
  const b = bars(closes)
  const value = b.close.map((c) => 1000 + c)
  const trade = {symbol: 'X', side: 'long', quantity: 1, entryTime: b.time[0], exitTime: b.time[b.length - 1], entryPrice: b.close[0], exitPrice: b.close[b.length - 1], netPnl: 1, commission: 0} as Trade
  return {
    bars: [b], time: b.time, value, benchmark: b.close.map((c) => 2 * c), initial: 1000, trades: [trade], timezone: 'America/New_York',
    drawdown: drawdownSeries(1000, value), benchmarkDrawdown: drawdownSeries(1000, b.close), rolling: rolling(1000, value, 252, 0, Math.min(5, b.length)),
    exposure: b.close.map(() => 0.5), overlays: [[{name: 'sma', values: b.close.map((c, i) => (i < 2 ? NaN : c))}]],
  }
}

test('the embedded chart data reads back, through JSON, as exactly the points the charts draw', () => {
  fc.assert(fc.property(fc.array(fc.double({min: 1, max: 1e5, noNaN: true}), {minLength: 1, maxLength: 300}), (closes) => {
    const o = input(closes)
    // Against the points as JSON gives them (-0 reads back as 0, in either form).
    assert.deepEqual(unpackCharts(JSON.parse(JSON.stringify(chartColumns(o)))), JSON.parse(JSON.stringify(chartData(o))))
  }), {numRuns: 200})
})

test('every curve of ChartData is packed as columns (a new one must be added to CURVES, or the page would not read it)', () => {
  const o = input([10, 11, 12, 11, 13, 14, 12])
  const c = chartData(o)
  const pointLists = Object.keys(c).filter((k) => k !== 'prices' && Array.isArray(c[k as keyof ChartData]))
  assert.deepEqual([...pointLists].sort(), [...CURVES].sort())
  const packed = chartColumns(o)
  for (const k of CURVES) assert.ok(['t,v', 'v'].includes(Object.keys(packed[k]).join()), k)
  // A curve with a point at every chart point shares the charts' times; the others keep their own.
  assert.deepEqual(packed.times, c.equity.map((p) => p.time))
  for (const k of CURVES) assert.equal(packed[k].t === undefined, c[k].length === c.equity.length && c[k].every((p, i) => p.time === c.equity[i].time), k)
  assert.ok(packed.rollingSharpe.t !== undefined, 'the rolling curves start after their window')
  assert.ok(['t,o,h,l,c', 'o,h,l,c'].includes(Object.keys(packed.prices[0].candles).join()))
  assert.equal(packed.prices[0].candles.t === undefined, c.prices[0].candles.length === c.equity.length && c.prices[0].candles.every((p, i) => p.time === c.equity[i].time))
  assert.deepEqual(Object.keys(packed.prices[0].overlays[0].points), ['t', 'v'])
  assert.ok(JSON.stringify(packed).length < 0.7 * JSON.stringify(c).length)
})
