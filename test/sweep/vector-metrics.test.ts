/** Pieces of the vector sweep's metrics against src/metrics/ on curves the sma-cross property test rarely makes. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {returnStats} from '../../src/metrics/return-stats.js'
import {monthLasts} from '../../src/metrics/monthly.js'
import {utcToLocalParts} from '../../src/calendar/index.js'

describe('returnStats', () => {
  it('its flat-bar shortcut changes no double: mean, stdev, downside as plain Welford steps give them, on any curve (flat stretches, zeros, negatives, infinities)', () => {
    const value = fc.oneof(fc.constantFrom(0, -0, 100, 100, 100, -5, Infinity, -Infinity, NaN, 1e-300), fc.double({min: -1e6, max: 1e6}))
    fc.assert(
      fc.property(fc.array(value, {maxLength: 60}), fc.constantFrom(100, 0, -5), fc.constantFrom(0, 1e-5, -1e-5), (values, initial, target) => {
        const curve = Float64Array.from(values)
        const a = returnStats(initial, curve, target)
        const b = plainWelford(initial, curve, target)
        for (const k of ['mean', 'stdev', 'downside'] as const) assert.ok(Object.is(a[k], b[k]), `${k}: ${a[k]} vs ${b[k]}`)
      }),
      {numRuns: 2000},
    )
  })
})

/** returnStats' steps without the shortcut: every return divided. */
function plainWelford(initial: number, value: Float64Array, target: number) {
  let prev = initial
  let mean = 0
  let m2 = 0
  let down = 0
  for (let i = 0; i < value.length; i++) {
    const r = value[i] / prev - 1
    prev = value[i]
    const delta = r - mean
    mean += delta / (i + 1)
    m2 += delta * (r - mean)
    const below = r - target
    if (below < 0) down += below * below
  }
  const n = value.length
  return {mean: n > 0 ? mean : NaN, stdev: n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN, downside: n > 0 ? Math.sqrt(down / n) : NaN}
}

describe('monthLasts (shared by monthEnds and the vector metrics)', () => {
  it('is each local calendar month of the times with its last index, whatever the zone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({min: 1, max: 6 * 3_600_000}), fc.integer({min: 1, max: 40 * 86_400_000})), {maxLength: 120, size: 'max'}),
        fc.constantFrom('UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe'),
        (steps, tz) => {
          let t = Date.UTC(2019, 11, 30, 22)
          const time = Float64Array.from(steps, (s) => (t += s))
          // The plain way: each point's local year and month; a month's entry is its last point.
          const months: Array<{year: number; month: number; last: number}> = []
          time.forEach((t, i) => {
            const p = utcToLocalParts(t, tz)
            const prev = months.at(-1)
            if (prev && prev.year === p.year && prev.month === p.month) prev.last = i
            else months.push({year: p.year, month: p.month, last: i})
          })
          assert.deepStrictEqual(monthLasts(time, tz), months)
        },
      ),
      {numRuns: 300},
    )
  })
})
