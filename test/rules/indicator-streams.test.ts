/**
 * The streaming building blocks of the Backtrader ports (src/rules/indicators/streams.ts) against
 * naive recomputation over the whole history, on random series with many ties: lagged value,
 * exact rolling sum (math.fsum), WMA, bars since the newest extreme (Backtrader's
 * FindFirstIndexHighest/Lowest). And an indicator computed on another one's output skips the
 * NaN warm-up of its source instead of being poisoned by it.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {fsum} from '../../src/indicators/exact-sum.js'
import {ExtremeAge, Lag, RollingSum, Wma} from '../../src/rules/indicators/streams.js'
import {computeIndicator} from '../../src/rules/indicators/compute.js'
import {barsFromRows} from '../../src/core/bars.js'

// Few distinct values, so equal extremes are common.
const series = fc.array(fc.integer({min: -5, max: 5}).map((n) => n * 0.1), {minLength: 1, maxLength: 80})
const periodArb = fc.integer({min: 1, max: 12})

test('Lag(n) returns the value fed n values ago (NaN before)', () => {
  fc.assert(
    fc.property(series, fc.integer({min: 0, max: 10}), (xs, n) => {
      const lag = new Lag(n)
      xs.forEach((x, i) => {
        const got = lag.add(x)
        if (i < n) assert.ok(Number.isNaN(got))
        else assert.equal(got, xs[i - n])
      })
    }),
  )
})

test('RollingSum is math.fsum of the last period values, exactly', () => {
  const wide = fc.array(fc.double({min: -1e6, max: 1e6, noNaN: true}), {minLength: 1, maxLength: 80})
  fc.assert(
    fc.property(wide, periodArb, (xs, p) => {
      const sum = new RollingSum(p)
      xs.forEach((x, i) => {
        const got = sum.add(x)
        if (i + 1 < p) assert.ok(Number.isNaN(got))
        else assert.ok(got === fsum(xs.slice(i + 1 - p, i + 1)), `${got} at ${i}`)
      })
    }),
  )
})

test('Wma weights the window 1..period, newest heaviest', () => {
  fc.assert(
    fc.property(series, periodArb, (xs, p) => {
      const wma = new Wma(p)
      xs.forEach((x, i) => {
        const got = wma.add(x)
        if (i + 1 < p) return assert.ok(Number.isNaN(got))
        let s = 0
        for (let k = 0; k < p; k++) s += xs[i + 1 - p + k] * (k + 1)
        assert.ok(Math.abs(got - (2 / (p * (p + 1))) * s) <= 1e-12)
      })
    }),
  )
})

test('ExtremeAge counts bars since the newest highest / lowest value of the window, as Backtrader finds it', () => {
  fc.assert(
    fc.property(series, periodArb, fc.boolean(), (xs, p, highest) => {
      const age = new ExtremeAge(p, highest)
      xs.forEach((x, i) => {
        const got = age.add(x)
        if (i + 1 < p) return assert.ok(Number.isNaN(got))
        // Backtrader: next(i for i, v in enumerate(reversed(window)) if v == max(window))
        const window = xs.slice(i + 1 - p, i + 1)
        const m = highest ? Math.max(...window) : Math.min(...window)
        assert.equal(got, [...window].reverse().findIndex((v) => v === m))
      })
    }),
  )
})

test('an indicator on a source that is still warming up starts when its source has values', () => {
  const closes = Array.from({length: 40}, (_, i) => 100 + Math.sin(i) * 5)
  const b = barsFromRows('X', 60_000, closes.map((c, i) => ({time: i * 60_000, open: c, high: c + 1, low: c - 1, close: c, volume: 1})))
  const [sma] = computeIndicator('sma', {period: 5}, b)
  const onSma = computeIndicator('dema', {period: 3}, {...b, close: sma})[0]
  const onValues = computeIndicator('dema', {period: 3}, {...b, close: sma.slice(4), time: b.time.slice(4), open: b.open.slice(4), high: b.high.slice(4), low: b.low.slice(4), volume: b.volume.slice(4), length: 36})[0]
  for (let i = 0; i < 36; i++) assert.ok(Object.is(onSma[i + 4], onValues[i]), `bar ${i + 5}`)
  // DEMA(3) needs 2 × 3 − 1 = 5 values of the SMA, which has its first at bar 5: bar 9.
  assert.ok(Number.isNaN(onSma[7]) && !Number.isNaN(onSma[8]))
})

test('no movement leaves dm and kama defined afterwards (no 0 / 0 kept in a smoothing)', () => {
  // dm: 40 bars with the same high and low (a range, so ATR > 0, but no directional movement:
  // +DI = −DI = 0), then a fall.
  const rows = Array.from({length: 70}, (_, i) => {
    const mid = i < 40 ? 100 : 100 - (i - 39)
    return {time: i * 60_000, open: mid, high: mid + 1, low: mid - 1, close: mid + (i % 2 ? 0.5 : -0.5), volume: 1}
  })
  const [plus, minus, adx, adxr] = computeIndicator('dm', {period: 5}, barsFromRows('X', 60_000, rows))
  assert.equal(plus[20], 0)
  assert.equal(minus[20], 0)
  assert.equal(adx[20], 0)
  for (const s of [plus, minus, adx, adxr]) assert.ok(Number.isFinite(s[69]))
  assert.ok(minus[69] > plus[69] && adx[69] > 50)
  // kama: a rise, 60 identical closes (no move over its period), a fall.
  const prices = [...Array.from({length: 30}, (_, i) => 100 + i), ...Array.from({length: 60}, () => 130), ...Array.from({length: 30}, (_, i) => 130 - i)]
  const [kama] = computeIndicator('kama', {period: 10}, barsFromRows('X', 60_000, prices.map((c, i) => ({time: i * 60_000, open: c, high: c, low: c, close: c, volume: 1}))))
  assert.equal(kama[85], 130)
  assert.ok(Number.isFinite(kama[119]) && kama[119] < 130)
})
