/**
 * A bucketed chart (a run longer than MAX_POINTS bars) draws each point at the time of the bar
 * whose value it shows: every point of every curve is a point of the full-resolution curve. The
 * bucketing itself stays: a point per bucket, the curves' last values, the drawdowns' deepest.
 * Before, each point was dated at its bucket's first bar while showing the last bar's value.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {chartBucket, chartData, MAX_POINTS, type Point} from '../../src/report/chart-data.js'
import {rolling} from '../../src/report/rolling.js'
import {drawdownSeries} from '../../src/metrics/drawdown.js'

const MINUTE = 60_000
const START = 1_700_000_000_000 // a whole second: chart times (seconds) map back to bars one for one
const CASH = 1000

/** Each point's value against the full-resolution value of the bar at the point's time (UTC: chart seconds are UTC seconds). */
function assertOnCurve(name: string, points: readonly Point[], full: (i: number) => number): void {
  for (const p of points) {
    const i = (p.time * 1000 - START) / MINUTE
    assert.ok(Number.isInteger(i), `${name}: ${p.time} is no bar's time`)
    assert.equal(p.value, full(i), `${name} at bar ${i}`)
  }
}

test('each bucketed point is dated at the bar whose value it draws', () => {
  // Moves of up to ±5% a bar, so the curves rise and fall within buckets; n from just above MAX_POINTS.
  const moves = fc.array(fc.double({min: -0.05, max: 0.05, noNaN: true}), {minLength: MAX_POINTS + 1, maxLength: 3 * MAX_POINTS + 7})
  fc.assert(fc.property(moves, fc.integer({min: 0, max: 2 ** 31 - 1}), (m, seed) => {
    const n = m.length
    const bucket = chartBucket(n)
    const time = Float64Array.from({length: n}, (_, i) => START + i * MINUTE)
    let v = CASH
    const value = Float64Array.from(m, (x) => (v *= 1 + x))
    // The benchmark on its own path (the moves reversed), so its drawdowns fall elsewhere.
    let b = CASH
    const benchmark = Float64Array.from(m, (_, i) => (b *= 1 - m[n - 1 - i]))
    const exposureFull = Float64Array.from({length: n}, (_, i) => ((i * 7919 + seed) % 1000) / 1000)
    const exposure = Float64Array.from({length: Math.ceil(n / bucket)}, (_, k) => exposureFull[Math.min(n, (k + 1) * bucket) - 1])
    const window = 20
    const c = chartData({
      bars: [], time, value, benchmark, initial: CASH, trades: [], timezone: 'UTC',
      drawdown: drawdownSeries(CASH, value, bucket), benchmarkDrawdown: drawdownSeries(CASH, benchmark, bucket),
      rolling: rolling(CASH, value, 252, 0, window, bucket), exposure,
    })
    assert.ok(bucket > 1)
    const points = Math.ceil(n / bucket)
    assert.equal(c.equity.length, points)
    assert.equal(c.drawdown.length, points)
    // The curve ends where the run ended, on its last value.
    assert.deepEqual(c.equity[points - 1], {time: (START + (n - 1) * MINUTE) / 1000, value: value[n - 1]})

    assertOnCurve('equity', c.equity, (i) => value[i])
    assertOnCurve('benchmark', c.benchmark, (i) => benchmark[i])
    assertOnCurve('rebased', c.rebased, (i) => (value[i] / CASH - 1) * 100)
    assertOnCurve('rebasedBenchmark', c.rebasedBenchmark, (i) => (benchmark[i] / CASH - 1) * 100)
    assertOnCurve('exposure', c.exposure, (i) => exposureFull[i] * 100)
    const roll = rolling(CASH, value, 252, 0, window)
    assertOnCurve('rollingSharpe', c.rollingSharpe, (i) => roll.sharpe[i])
    assertOnCurve('rollingVolatility', c.rollingVolatility, (i) => roll.volatility[i] * 100)
    const dd = drawdownSeries(CASH, value)
    const bdd = drawdownSeries(CASH, benchmark)
    assertOnCurve('drawdown', c.drawdown, (i) => -dd[i] * 100)
    assertOnCurve('benchmarkDrawdown', c.benchmarkDrawdown, (i) => -bdd[i] * 100)
    // Still one drawdown point per bucket, inside it, and the bucket's deepest.
    c.drawdown.forEach((p, k) => {
      const i = (p.time * 1000 - START) / MINUTE
      assert.ok(i >= k * bucket && i < (k + 1) * bucket, `drawdown point ${k} at bar ${i}, outside its bucket`)
      assert.equal(p.value, -Math.max(...dd.subarray(k * bucket, (k + 1) * bucket)) * 100)
    })
  }), {numRuns: 25})
})
