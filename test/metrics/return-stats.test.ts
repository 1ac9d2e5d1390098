/**
 * returnStatsPair computes two curves' return figures in one loop (a sweep's speed); each must be
 * exactly the double returnStats gives for that curve alone, on any curve: flat stretches (the
 * division skipped), zeros, NaN, infinities, negative values, every target.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {returnStats, returnStatsPair} from '../../src/metrics/return-stats.js'

// Steps of a curve: a repeat of the last value (a flat bar) is common, as in a real equity curve.
const step = fc.oneof(
  {weight: 4, arbitrary: fc.constant('flat' as const)},
  {weight: 6, arbitrary: fc.double({min: 0.9, max: 1.1, noNaN: true})},
  {weight: 1, arbitrary: fc.constantFrom(0, NaN, Infinity, -Infinity, -50, 1e-300, 5e-324)},
)

function curve(steps: Array<number | 'flat'>, start: number): number[] {
  const out: number[] = []
  let v = start
  for (const s of steps) {
    if (s !== 'flat') v = Math.abs(s) > 0.5 && Math.abs(s) < 2 ? v * s : s
    out.push(v)
  }
  return out
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))

describe('returnStatsPair', () => {
  it('gives each curve the very doubles returnStats gives it', () => {
    const pair = fc.integer({min: 0, max: 120}).chain((n) =>
      fc.tuple(fc.array(step, {minLength: n, maxLength: n}), fc.array(step, {minLength: n, maxLength: n})))
    const target = fc.oneof(fc.constant(0), fc.double({min: -0.001, max: 0.001, noNaN: true}))
    fc.assert(
      fc.property(pair, fc.constantFrom(100, 1_000_000, 0.01), target, ([sa, sb], initial, t) => {
        const a = Float64Array.from(curve(sa, initial))
        const b = Float64Array.from(curve(sb, initial * 1.5))
        const [pa, pb] = returnStatsPair(initial, a, b, t)
        for (const [got, want] of [[pa, returnStats(initial, a, t)], [pb, returnStats(initial, b, t)]] as const) {
          for (const key of ['n', 'mean', 'stdev', 'downside', 'geometricMean'] as const) {
            assert.ok(same(got[key], want[key]), `${key}: ${got[key]} ≠ ${want[key]}`)
          }
        }
      }),
      {numRuns: 3000},
    )
  })

  it('refuses curves of different lengths (a bug in its caller)', () => {
    assert.throws(() => returnStatsPair(100, new Float64Array(3), new Float64Array(4)), /bug: returnStatsPair/)
  })
})
