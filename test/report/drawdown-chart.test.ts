/**
 * The report takes a curve's drawdown chart (each bucket's deepest, and where it is) and its worst
 * drawdowns from one walk (drawdownChart). It must give exactly what the plain definition of the
 * series and the spells' own walk (worstDrawdowns) give, on curves with ties, zeros and NaN.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {drawdownChart, drawdownSeries, worstDrawdowns} from '../../src/metrics/drawdown.js'

/** The drawdown at each point from its own running peak (a peak at or below zero: none). */
function plainSeries(initial: number, value: Float64Array): Float64Array {
  let peak = initial
  return value.map((v) => {
    if (v > peak) peak = v
    return peak > 0 ? (peak - v) / peak : 0
  })
}

/** Each bucket's deepest and where (the last of equal depths); its last point's NaN and index when that is NaN. */
function byBucket(full: Float64Array, bucket: number): {series: number[]; deepestAt: number[]} {
  const series: number[] = []
  const deepestAt: number[] = []
  for (let from = 0; from < full.length; from += bucket) {
    const to = Math.min(full.length, from + bucket)
    let at = -1
    for (let i = from; i < to; i++) if (full[i] === full[i] && (at < 0 || full[i] >= full[at])) at = i
    const last = full[to - 1]
    series.push(last === last ? full[at] : NaN)
    deepestAt.push(last === last ? at : to - 1)
  }
  return {series, deepestAt}
}

const valueArb = fc.oneof(fc.constantFrom(100, 100, 90, 110, 80, 0, NaN), fc.double({min: 50, max: 150, noNaN: true}))
const curveArb = fc.array(valueArb, {maxLength: 80}).map((v) => Float64Array.from(v))

test('drawdownChart is drawdownSeries (with deepestAt) and worstDrawdowns, from one walk', () => {
  fc.assert(fc.property(fc.constantFrom(100, 0, NaN), curveArb, fc.integer({min: 1, max: 12}), fc.integer({min: 0, max: 6}), (initial, value, bucket, count) => {
    const time = Float64Array.from(value, (_, i) => 1_700_000_000_000 + i * 60_000)
    const c = drawdownChart(initial, time, value, bucket, count)
    const expected = byBucket(plainSeries(initial, value), bucket)
    assert.deepStrictEqual(Array.from(c.series), expected.series)
    assert.deepStrictEqual(Array.from(c.deepestAt), expected.deepestAt)
    assert.deepStrictEqual(Array.from(drawdownSeries(initial, value, bucket)), expected.series)
    assert.deepStrictEqual(c.worst, worstDrawdowns(initial, time, value, count))
  }), {numRuns: 2000})
})
