/**
 * worstDrawdowns keeps the deepest spells while it walks the curve; it must pick exactly what
 * sorting every spell would (deepest first, the earlier first at equal depth), for any count.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {drawdownSpells, worstDrawdowns} from '../../src/metrics/drawdown.js'

function bySorting(initial: number, time: number[], value: number[], count: number) {
  return drawdownSpells(initial, time, value)
    .sort((a, b) => b.depth - a.depth || a.peakTime - b.peakTime)
    .slice(0, Math.max(0, count))
}

describe('worstDrawdowns', () => {
  it('equals sorting every spell, ties and all', () => {
    // Values from a small set, so equal depths (ties) are common.
    const curve = fc.array(fc.constantFrom(80, 90, 95, 100, 110, 120, 60, 99.5), {maxLength: 60})
    fc.assert(
      fc.property(curve, fc.integer({min: 0, max: 8}), (value, count) => {
        const time = value.map((_, i) => 1_600_000_000_000 + i * 60_000)
        assert.deepEqual(worstDrawdowns(100, time, value, count), bySorting(100, time, value, count))
      }),
      {numRuns: 3000},
    )
  })

  it('the deepest first, and the earlier of two equally deep spells first', () => {
    const value = [100, 90, 100, 90, 100, 50, 100, 90]
    const time = value.map((_, i) => i * 1000)
    const worst = worstDrawdowns(100, time, value, 3)
    assert.deepEqual(worst.map((s) => [s.depth, s.peakTime]), [[0.5, 4000], [0.1, 0], [0.1, 2000]])
  })
})
