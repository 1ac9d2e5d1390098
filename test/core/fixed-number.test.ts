import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {fixedNumber, localeNumber} from '../../src/core/fixed-number.js'

const intl = (v: number, d: number) => new Intl.NumberFormat('en-US', {minimumFractionDigits: d, maximumFractionDigits: d}).format(v)

describe('fixedNumber: the text Intl.NumberFormat en-US gives, without Intl', () => {
  it('rounds the shortest decimal half away from zero, as Intl does (not the exact double, as toFixed does)', () => {
    for (const [v, d, text] of [[1.005, 2, '1.01'], [2.675, 2, '2.68'], [-2.675, 2, '-2.68'], [0.5, 0, '1'], [-0.5, 0, '-1'], [999.995, 2, '1,000.00'], [-0.001, 2, '-0.00'], [-0, 2, '-0.00'], [0, 2, '0.00'], [1234567.891, 0, '1,234,568'], [-1e-10, 2, '-0.00'], [3e-12, 4, '0.0000'], [-5e-324, 0, '-0'], [9.9e-7, 5, '0.00000'], [9.9e-7, 6, '0.000001']] as const) {
      assert.equal(fixedNumber(v, d), text, `${v} ${d}`)
      assert.equal(fixedNumber(v, d), intl(v, d), `${v} ${d} against Intl`)
    }
  })

  it('equals Intl on any double and on prices near a rounding boundary', () => {
    const digits = fc.integer({min: 0, max: 6})
    const anyDouble = fc.double({noNaN: false})
    // Prices and P&L with a 5 just past the shown decimals: the cases that round differently from toFixed.
    const boundary = fc.tuple(fc.integer({min: -10_000_000, max: 10_000_000}), fc.integer({min: 0, max: 4})).map(([n, k]) => (n * 10 + 5) / 10 ** (k + 1))
    const tiny = fc.double({min: -2e-6, max: 2e-6})
    fc.assert(fc.property(fc.oneof(anyDouble, boundary, tiny, fc.double({min: -1e7, max: 1e7, noNaN: true})), digits, (v, d) => fixedNumber(v, d) === intl(v, d)), {numRuns: 20_000})
  })
})

describe('localeNumber: toLocaleString(\'en-US\') without Intl for integers', () => {
  it('equals toLocaleString on integers of any size and sign, and hands anything else to it', () => {
    for (const v of [0, -0, 7, -7, 999, 1000, -1000, 1234567, 2 ** 53, -(2 ** 53), 1e20, 1e21, 1e22, 1.5, -1234.5678, NaN, Infinity, -Infinity]) {
      assert.equal(localeNumber(v), v.toLocaleString('en-US'), String(v))
    }
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double()), (v) => localeNumber(v) === v.toLocaleString('en-US')), {numRuns: 20_000})
  })
})
