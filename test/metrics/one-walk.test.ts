/**
 * The equity figures come from fewer walks over the curve: `drawdowns` keeps only the deepest and
 * the longest spell (and the peak) as it walks, and the strategy's and buy-and-hold's returns
 * share one loop (equityMetricsPair). Each must give exactly what the plain definitions give: the
 * spells listed one by one (drawdownSpells), the peak by its own loop, equityMetrics curve by curve.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {drawdowns, drawdownSpells, type DrawdownSpell} from '../../src/metrics/drawdown.js'
import {equityMetrics, equityMetricsPair} from '../../src/metrics/equity-metrics.js'

// Curves with flat stretches, new highs, ties with the peak, zeros and NaN; times with repeats (equal durations).
const valueArb = fc.oneof(fc.constantFrom(100, 100, 90, 110, 0, NaN), fc.double({min: 50, max: 150, noNaN: true}))
const curveArb = fc.record({
  initial: fc.constantFrom(100, 0, NaN),
  steps: fc.array(fc.tuple(valueArb, fc.constantFrom(0, 1, 1, 2, 60)), {maxLength: 60}),
})

function curve(steps: Array<[number, number]>): {time: Float64Array; value: Float64Array} {
  let t = 1_700_000_000_000
  const time = new Float64Array(steps.length)
  const value = new Float64Array(steps.length)
  steps.forEach(([v, dt], i) => {
    t += dt * 60_000
    time[i] = t
    value[i] = v
  })
  return {time, value}
}

const NONE: DrawdownSpell = {depth: 0, peakTime: NaN, troughTime: NaN, recoveryTime: null, durationMs: 0, durationBars: 0}

describe('one walk over the curve', () => {
  it('drawdowns: the deepest (the first at equal depth) and the longest (the deeper at equal length) of every spell, and the peak', () => {
    fc.assert(fc.property(curveArb, ({initial, steps}) => {
      const {time, value} = curve(steps)
      let max = NONE
      let longest = NONE
      for (const s of drawdownSpells(initial, time, value)) {
        if (s.depth > max.depth) max = s
        if (s.durationMs > longest.durationMs || (s.durationMs === longest.durationMs && s.depth > longest.depth)) longest = s
      }
      let peak = initial
      for (const v of value) if (v > peak) peak = v
      assert.deepStrictEqual(drawdowns(initial, time, value), {max, longest, peak})
    }), {numRuns: 500})
  })

  it('equityMetricsPair gives each curve its equityMetrics, double for double', () => {
    fc.assert(fc.property(curveArb, fc.array(valueArb, {maxLength: 60}), fc.constantFrom(0, 0.03), ({initial, steps}, other, rf) => {
      const {time, value} = curve(steps)
      const b = Float64Array.from(value, (_, i) => other[i] ?? 100)
      assert.deepStrictEqual(equityMetricsPair(initial, time, value, b, 252, rf), [equityMetrics(initial, time, value, 252, rf), equityMetrics(initial, time, b, 252, rf)])
    }), {numRuns: 300})
  })
})
