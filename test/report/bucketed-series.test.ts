import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {drawdownSeries} from '../../src/metrics/drawdown.js'
import {rolling} from '../../src/report/rolling.js'
import {exposureSeries} from '../../src/report/exposure.js'
import type {Fill} from '../../src/model/orders.js'
import type {Bars} from '../../src/model/bars.js'

// The report computes these series at chart resolution (one value per bucket of points). Each must
// equal what the chart took from the full series before: a bucket's deepest drawdown, else its last value.
const last = (full: Float64Array, bucket: number) => Array.from({length: Math.ceil(full.length / bucket)}, (_, k) => full[Math.min(full.length, (k + 1) * bucket) - 1])
const deepest = (full: Float64Array, bucket: number) => Array.from({length: Math.ceil(full.length / bucket)}, (_, k) => {
  const to = Math.min(full.length, (k + 1) * bucket)
  let v = full[to - 1]
  for (let i = k * bucket; i < to; i++) if (full[i] > v) v = full[i]
  return v
})
const curve = fc.array(fc.double({min: 1, max: 1e6, noNaN: true}), {minLength: 1, maxLength: 400})
const bucket = fc.integer({min: 1, max: 50})

test('drawdownSeries by bucket is the deepest of each bucket of the full series', () => {
  fc.assert(fc.property(curve, bucket, (values, b) => {
    const v = Float64Array.from(values)
    assert.deepEqual(Array.from(drawdownSeries(1000, v, b)), deepest(drawdownSeries(1000, v), b))
  }), {numRuns: 300})
})

test('rolling by bucket is the last value of each bucket of the full series', () => {
  fc.assert(fc.property(curve, bucket, fc.integer({min: 2, max: 30}), (values, b, window) => {
    const v = Float64Array.from(values)
    const full = rolling(1000, v, 252, 0.02, window)
    const part = rolling(1000, v, 252, 0.02, window, b)
    assert.deepEqual(Array.from(part.sharpe), last(full.sharpe, b))
    assert.deepEqual(Array.from(part.volatility), last(full.volatility, b))
  }), {numRuns: 300})
})

test('exposureSeries by bucket is the last value of each bucket of the full series', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({min: 0, max: 99}), fc.boolean(), fc.integer({min: 1, max: 5})), {maxLength: 30}), bucket, (raw, b) => {
    const n = 100
    const time = Float64Array.from({length: n}, (_, i) => i * 60_000)
    const close = Float64Array.from({length: n}, (_, i) => 100 + (i % 7))
    const bars = {symbol: 'A', timeframeMs: 60_000, length: n, time, open: close, high: close, low: close, close, volume: close} as unknown as Bars
    const fills = raw.map(([i, buy, q]) => ({symbol: 'A', side: buy ? 'buy' : 'sell', quantity: q, time: time[i]}) as unknown as Fill).sort((x, y) => x.time - y.time)
    const value = Float64Array.from({length: n}, (_, i) => 10_000 + i)
    assert.deepEqual(Array.from(exposureSeries(fills, [bars], time, value, b)), last(exposureSeries(fills, [bars], time, value), b))
  }), {numRuns: 300})
})

test('exposureSeries of a symbol on the run\'s own times (read by index) equals the walk over its bars', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({min: 0, max: 59}), fc.boolean(), fc.integer({min: 1, max: 5})), {maxLength: 20}), fc.array(fc.boolean(), {minLength: 60, maxLength: 60}), bucket, (raw, gaps, b) => {
    const n = 60
    const time = Float64Array.from({length: n}, (_, i) => i * 60_000)
    // Some bars without a close: the last known one counts.
    const close = Float64Array.from({length: n}, (_, i) => (gaps[i] && i > 0 ? NaN : 100 + (i % 7)))
    const bars = {symbol: 'A', timeframeMs: 60_000, length: n, time, open: close, high: close, low: close, close, volume: close} as unknown as Bars
    const fills = raw.map(([i, buy, q]) => ({symbol: 'A', side: buy ? 'buy' : 'sell', quantity: q, time: time[i]}) as unknown as Fill).sort((x, y) => x.time - y.time)
    const value = Float64Array.from({length: n}, (_, i) => 10_000 + i)
    // One more point after the last bar: not the symbol's own times, so its bars are walked.
    const longer = Float64Array.from([...time, n * 60_000])
    const walked = exposureSeries(fills, [bars], longer, Float64Array.from([...value, 10_000]))
    const byIndex = exposureSeries(fills, [bars], time, value)
    assert.deepEqual(Array.from(byIndex), Array.from(walked.subarray(0, n)))
    assert.deepEqual(Array.from(exposureSeries(fills, [bars], time, value, b)), last(byIndex, b))
  }), {numRuns: 300})
})
