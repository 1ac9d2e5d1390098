import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {ExactSum, fsum} from '../../src/indicators/exact-sum.js'

// Reference: every finite double is m * 2^e exactly; add them as BigInts on a common exponent,
// then round once with Number(BigInt) (round to nearest, ties to even) and scale back (exact).
function decompose(x: number): {m: bigint; e: number} {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const sign = bits >> 63n ? -1n : 1n
  const exp = Number((bits >> 52n) & 0x7ffn)
  const frac = bits & ((1n << 52n) - 1n)
  if (exp === 0) return {m: sign * frac, e: -1074}
  return {m: sign * (frac | (1n << 52n)), e: exp - 1075}
}

function exactReference(values: number[]): number {
  // Zeros carry no bits and would drag the common exponent down to 2^-1074.
  const parts = values.map(decompose).filter((p) => p.m !== 0n)
  if (parts.length === 0) return 0
  const minE = Math.min(...parts.map((p) => p.e))
  let total = 0n
  for (const p of parts) total += p.m << BigInt(p.e - minE)
  return Number(total) * 2 ** minE
}

// Moderate magnitudes so the BigInt reference stays representable, with the values that break
// naive summation (large and small mixed, cancellations, decimal fractions such as prices).
const price = fc.integer({min: 1, max: 10_000_000}).map((t) => t / 100)
const tricky = fc.constantFrom(1e16, -1e16, 1, -1, 0.1, 0.2, 0.3, 1e-3, 3602.33, -3602.33, 2 ** -30)
const value = fc.oneof(price, tricky, fc
    .double({min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true})
    // keep the BigInt reference's exponent span small (no subnormals)
    .filter((x) => x === 0 || Math.abs(x) > 1e-12))

test('fsum matches the exactly rounded BigInt sum', () => {
  fc.assert(
    fc.property(fc.array(value, {maxLength: 60}), (values) => {
      assert.equal(fsum(values), exactReference(values))
    }),
    {numRuns: 2000},
  )
})

test('a rolling window (add new, subtract oldest) stays equal to fsum of the window', () => {
  fc.assert(
    fc.property(fc.array(value, {minLength: 1, maxLength: 200}), fc.integer({min: 1, max: 40}), (values, period) => {
      const s = new ExactSum()
      for (let i = 0; i < values.length; i++) {
        s.add(values[i])
        if (i >= period) s.subtract(values[i - period])
        const window = values.slice(Math.max(0, i - period + 1), i + 1)
        assert.equal(s.value(), exactReference(window))
      }
    }),
    {numRuns: 300},
  )
})

test('known cases where a naive sum is wrong', () => {
  assert.equal(0.1 + 0.2 + 0.3, 0.6000000000000001)
  assert.equal(fsum([0.1, 0.2, 0.3]), 0.6)
  assert.equal(fsum([1e16, 1, -1e16]), 1)
  // Half-way rounding across partials (CPython's own test): 1 + 2^-53 + 2^-106 rounds up.
  assert.equal(fsum([1, 2 ** -53, 2 ** -106]), 1 + 2 ** -52)
  assert.equal(fsum([]), 0)
})

test('non-finite values make the sum NaN only while they are inside it', () => {
  const s = new ExactSum()
  s.add(1)
  s.add(NaN)
  assert.ok(Number.isNaN(s.value()))
  s.subtract(NaN)
  s.add(2)
  assert.equal(s.value(), 3)
})
