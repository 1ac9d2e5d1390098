/** The sweep's direct 24/7 schedule is the one the session kernel makes (recorded from a run). */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {alwaysOpenSchedule, iterationSchedule, recordedSchedule} from '../../src/sweep/vector/schedule.js'

const MIN = 60_000
const broker = {cash: 1000, commission: {perShare: 0, percent: 0, fixed: 0, minimum: 0}, slippageBps: 0, allowShort: false, fillPrice: 'next_open' as const}

describe('alwaysOpenSchedule', () => {
  it('matches the kernel\'s iterations and fill bars on 24/7 intraday bars, any spacing and sleeptime', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 5, 60),
        fc.array(fc.oneof(fc.constant(1), fc.integer({min: 1, max: 50}), fc.double({min: 0.2, max: 3, noNaN: true})), {maxLength: 120, size: 'max'}),
        fc.oneof(fc.constantFrom(0, -5, NaN, 1, 0.5, 1.5, 2, 7, 0.999), fc.double({min: 0.01, max: 20, noNaN: true})),
        async (tf, steps, sleepBars) => {
          let t = Date.UTC(2024, 0, 1)
          const rows = steps.map((s) => {
            const row = {time: t, open: 1, high: 1, low: 1, close: 1}
            t += Math.max(1, Math.round(s * tf * MIN))
            return row
          })
          const bars = barsFromRows('X', tf * MIN, rows)
          const spec = {symbols: ['X'], timeframeMs: tf * MIN, sleeptimeMs: sleepBars * tf * MIN, broker}
          const direct = alwaysOpenSchedule(bars, spec.timeframeMs, spec.sleeptimeMs)
          assert.deepStrictEqual(direct, await recordedSchedule(spec, bars, createCalendar('24/7')))
          assert.deepStrictEqual(await iterationSchedule(spec, bars, createCalendar('24/7')), direct)
        },
      ),
      {numRuns: 400},
    )
  })
})
