import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {EquityKeeper} from '../../src/sweep/equity-keeper.js'

describe('EquityKeeper', () => {
  it('keeps exactly the curves of the N best runs (score, then sweep order), handing back the others; with N = 0, none (a sweep not recorded)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(-Infinity, 0, 0.5, 1, 1, 2, 3), {maxLength: 40}), fc.integer({min: 0, max: 6}), (scores, top) => {
        const keeper = new EquityKeeper(top)
        const curves = scores.map((_, i) => Float64Array.of(i))
        let handedBack = 0
        scores.forEach((s, i) => {
          const back = keeper.offer(i, s, curves[i])
          if (back !== undefined) handedBack++
        })
        const expected = scores.map((s, i) => ({s, i})).sort((a, b) => (a.s > b.s ? -1 : a.s < b.s ? 1 : a.i - b.i)).slice(0, top).map((x) => x.i)
        const kept = keeper.take(scores.map((_, i) => i)).map((x) => x.index).sort((a, b) => a - b)
        assert.deepEqual(kept, [...expected].sort((a, b) => a - b))
        assert.equal(handedBack, scores.length - kept.length)
        assert.deepEqual(keeper.take(expected.slice(0, 1)).map((x) => x.equity[0]), expected.slice(0, 1))
      }),
    )
  })
})
