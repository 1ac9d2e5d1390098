import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {firstAtOrAfter} from '../../src/core/sorted-search.js'

describe('firstAtOrAfter', () => {
  it('is the first index from `from` at or after the target, as a scan finds it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: -50, max: 50}), {maxLength: 80}), fc.integer({min: -60, max: 60}), fc.nat(90), (raw, target, from) => {
        const time = Float64Array.from(raw.sort((a, b) => a - b))
        let scan = from
        while (scan < time.length && time[scan] < target) scan++
        assert.equal(firstAtOrAfter(time, target, from), scan)
      }),
      {numRuns: 3000},
    )
  })

  it('edges: empty, before all, after all, repeated values', () => {
    assert.equal(firstAtOrAfter([], 1, 0), 0)
    assert.equal(firstAtOrAfter([1, 2, 3], 0, 0), 0)
    assert.equal(firstAtOrAfter([1, 2, 3], 4, 0), 3)
    assert.equal(firstAtOrAfter([1, 2, 2, 2, 3], 2, 0), 1)
    assert.equal(firstAtOrAfter([1, 2, 2, 2, 3], 2, 3), 3)
    assert.equal(firstAtOrAfter([1, 2, 3], 9, 5), 5)
  })
})
