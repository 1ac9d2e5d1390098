/** Pieces of the vector sweep's metrics against src/metrics/ on curves the sma-cross property test rarely makes. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {returnStats} from '../../src/metrics/return-stats.js'
import {monthEnds} from '../../src/metrics/monthly.js'
import {monthLasts, returnMoments} from '../../src/sweep/vector/run-metrics.js'

describe('returnMoments', () => {
  it('is returnStats (mean, stdev, downside) on any curve: flat stretches, zeros, negatives, infinities', () => {
    const value = fc.oneof(fc.constantFrom(0, -0, 100, 100, 100, -5, Infinity, -Infinity, NaN, 1e-300), fc.double({min: -1e6, max: 1e6}))
    fc.assert(
      fc.property(fc.array(value, {maxLength: 60}), fc.constantFrom(100, 0, -5), fc.constantFrom(0, 1e-5, -1e-5), (values, initial, target) => {
        const curve = Float64Array.from(values)
        const a = returnMoments(initial, curve, target)
        const b = returnStats(initial, curve, target)
        for (const k of ['mean', 'stdev', 'downside'] as const) assert.ok(Object.is(a[k], b[k]), `${k}: ${a[k]} vs ${b[k]}`)
      }),
      {numRuns: 2000},
    )
  })
})

describe('monthLasts', () => {
  it('finds the months monthEnds finds, each with its last bar', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({min: 1, max: 6 * 3_600_000}), fc.integer({min: 1, max: 40 * 86_400_000})), {maxLength: 120, size: 'max'}),
        fc.constantFrom('UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        (steps, tz) => {
          let t = Date.UTC(2019, 11, 30, 22)
          const time = Float64Array.from(steps, (s) => (t += s))
          const index = Float64Array.from(time, (_, i) => i)
          assert.deepStrictEqual(monthLasts(time, tz), monthEnds(time, index, tz).map((m) => ({year: m.year, month: m.month, last: m.value})))
        },
      ),
      {numRuns: 300},
    )
  })
})
