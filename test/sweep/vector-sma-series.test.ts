/**
 * The sweep's SMA series are the strategy's SMA values, double for double: the exact limb sums
 * (sma-series.ts) against the SMA class (fsum-exact) on prices of every kind, and the SMA class
 * itself wherever the limbs would not be exact.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {SMA} from '../../src/indicators/sma.js'
import {smaLimbs, smaSeries} from '../../src/sweep/vector/sma-series.js'

function reference(close: Float64Array, period: number): Float64Array {
  const sma = new SMA(period)
  return close.map((c) => sma.add(c))
}

const prices = fc.oneof(
  // Decimal prices on a tick, around one level.
  fc.record({level: fc.constantFrom(0.5, 3, 47.31, 1000, 25_000), tick: fc.constantFrom(0.01, 0.25, 1e-8, 0), moves: fc.array(fc.double({min: -0.05, max: 0.05, noNaN: true}), {minLength: 1, maxLength: 400, size: 'max'})})
    .map(({level, tick, moves}) => {
      let c = level
      return Float64Array.from(moves, (m) => {
        c = Math.max(tick || 1e-6, c * (1 + m))
        return tick > 0 ? Math.max(tick, Math.round(c / tick) * tick) : c
      })
    }),
  // Any positive doubles over a wide range (the limbs refuse some periods, the SMA class takes them).
  fc.array(fc.double({min: 1e-6, max: 1e9, noNaN: true}), {minLength: 1, maxLength: 200, size: 'max'}).map((a) => Float64Array.from(a)),
  // Near-ties: sums that land half-way between two doubles.
  fc.array(fc.constantFrom(1, 1 + 2 ** -52, 2 ** 53, 3, 0.1, 0.2, 0.3, 1e15 + 0.5), {minLength: 1, maxLength: 100, size: 'max'}).map((a) => Float64Array.from(a)),
)

describe('smaSeries', () => {
  it('gives the SMA class\'s values, with and without limbs', () => {
    let limbed = 0
    let fallback = 0
    fc.assert(
      fc.property(prices, fc.integer({min: 1, max: 120}), (close, period) => {
        const expected = reference(close, period)
        const limbs = smaLimbs(close, close.length)
        const fast = smaSeries(close, close.length, period, undefined, limbs)
        assert.deepStrictEqual(fast, expected)
        assert.deepStrictEqual(smaSeries(close, close.length, period), expected)
        if (limbs !== undefined && limbs.range + Math.ceil(Math.log2(period + 1)) + 27 <= 53) limbed++
        else fallback++
      }),
      {numRuns: 1500},
    )
    // Both paths must be exercised. Over seeds the limbed count runs ~500–580 of 1,500 (mean ~545,
    // sd ~17), so 500 failed about once a hundred runs; 300 is far below any seed's count and far
    // above what a regression to "never limbed" would give.
    assert.ok(limbed > 300 && fallback > 20, `limbs ${limbed}, fallback ${fallback}`)
  })

  it('refuses limbs for prices it cannot scale exactly', () => {
    assert.equal(smaLimbs(Float64Array.of(1, NaN), 2), undefined)
    assert.equal(smaLimbs(Float64Array.of(1, 0), 2), undefined)
    assert.equal(smaLimbs(Float64Array.of(1, -2), 2), undefined)
    assert.equal(smaLimbs(Float64Array.of(1e-320, 1), 2), undefined)
    assert.equal(smaLimbs(new Float64Array(0), 0), undefined)
  })
})
