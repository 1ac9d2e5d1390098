import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {ExactSum, fsum} from '../../src/indicators/exact-sum.js'
import {WindowSum} from '../../src/indicators/window-sum.js'
import {SMA} from '../../src/indicators/sma.js'

// WindowSum's fast path must give the reference's double on every value: fsum of the window.
function reference(values: number[], i: number, period: number): number {
  if (i + 1 < period) return NaN
  const window = values.slice(i - period + 1, i + 1)
  if (window.some((v) => !Number.isFinite(v))) return NaN
  return fsum(window)
}

function check(values: number[], period: number): void {
  const s = new WindowSum(period)
  for (let i = 0; i < values.length; i++) assert.equal(s.add(values[i]), reference(values, i, period), `value ${i} of ${JSON.stringify(values)}, period ${period}`)
}

const price = fc.integer({min: 1, max: 10_000_000}).map((t) => t / 100)
// Values that make ties, cancellations, zero sums and mixed magnitudes: the cases the fast path must hand to the reference.
const tricky = fc.constantFrom(1e16, -1e16, 2 ** 53, 1, -1, 0.5, 0.1, 0.2, 0.3, 0, -0, 1e-3, 3602.33, -3602.33, 2 ** -30, 2 ** -1074, 1e300, -1e300, 1.7e308)
const anyDouble = fc.double({noNaN: true, noDefaultInfinity: true})
const nonFinite = fc.constantFrom(NaN, Infinity, -Infinity)

test('WindowSum equals fsum of the window on every value (prices, tricky values, any doubles)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof({weight: 4, arbitrary: price}, {weight: 3, arbitrary: tricky}, {weight: 2, arbitrary: anyDouble}, {weight: 1, arbitrary: nonFinite}), {minLength: 1, maxLength: 300}), fc.integer({min: 1, max: 40}), (values, period) => check(values, period)),
    {numRuns: 1500},
  )
})

test('WindowSum stays exact over a long run of real-looking prices (the bound on its error does not drift)', () => {
  // A random walk in cents over 200,000 values: the shape of a backtest's closes.
  let x = 3602.33
  let seed = 7
  const values = new Array<number>(200_000)
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    x = Math.max(0.01, Math.round((x + ((seed % 201) - 100) / 100) * 100) / 100)
    values[i] = x
  }
  for (const period of [3, 10, 30, 200]) {
    const s = new WindowSum(period)
    const ref = new ExactSum()
    for (let i = 0; i < values.length; i++) {
      ref.add(values[i])
      if (i >= period) ref.subtract(values[i - period])
      const got = s.add(values[i])
      if (i + 1 >= period) assert.equal(got, ref.value(), `period ${period}, value ${i}`)
    }
  }
})

test('a sum that is exactly half-way between two doubles rounds as fsum does (ties to even)', () => {
  // 2^53 + 1 is not a double: the exact sum of [2^53, 1] is a tie, and fsum gives 2^53.
  check([2 ** 53, 1, 2 ** 53, 3, 1, -(2 ** 53), 2 ** 53], 2)
  check([1e16, 1, 1, -1e16, 1e16, 2, 0.5], 3)
})

test('SMA is the window sum over the period', () => {
  const sma = new SMA(3)
  assert.ok(Number.isNaN(sma.add(1)))
  assert.ok(Number.isNaN(sma.add(2)))
  assert.equal(sma.add(0.1), fsum([1, 2, 0.1]) / 3)
  assert.equal(sma.add(0.2), fsum([2, 0.1, 0.2]) / 3)
  assert.equal(sma.isReady, true)
  sma.reset()
  assert.equal(sma.isReady, false)
  assert.ok(Number.isNaN(sma.add(5)))
})
