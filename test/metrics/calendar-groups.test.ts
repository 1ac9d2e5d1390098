/**
 * Each month's and each day's last point of a curve (monthLasts, dailyLastIndices) are found by
 * searching ahead from each month's or day's first point. They must be exactly what one look at
 * every point finds (the loops below, as they were), in any time zone, across DST changes, with
 * gaps of minutes to weeks between points.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {localToUtc, utcToLocalParts} from '../../src/calendar/index.js'
import {localDayNumber, wallToUtc} from '../../src/calendar/timezone.js'
import {dailyLastIndices} from '../../src/metrics/daily-last.js'
import {monthLasts} from '../../src/metrics/monthly.js'
import {DAY_MS} from '../../src/model/time.js'

function monthLastsEveryPoint(time: ArrayLike<number>, tz: string) {
  const out: Array<{year: number; month: number; last: number}> = []
  let boundary = -Infinity
  for (let i = 0; i < time.length; i++) {
    if (time[i] >= boundary) {
      const p = utcToLocalParts(time[i], tz)
      boundary = p.month === 12 ? localToUtc(p.year + 1, 1, 1, 0, 0, tz) : localToUtc(p.year, p.month + 1, 1, 0, 0, tz)
      out.push({year: p.year, month: p.month, last: i})
    } else {
      out[out.length - 1].last = i
    }
  }
  return out
}

function dailyLastEveryPoint(time: ArrayLike<number>, tz: string): number[] {
  const picked: number[] = []
  let nextDay = -Infinity
  for (let i = 0; i < time.length; i++) {
    if (time[i] >= nextDay) {
      if (i > 0) picked.push(i - 1)
      nextDay = wallToUtc((localDayNumber(time[i], tz) + 1) * DAY_MS, tz)
    }
  }
  if (time.length > 0) picked.push(time.length - 1)
  return picked
}

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham']
const GAPS_MS = [60_000, 15 * 60_000, 3_600_000, 7 * 3_600_000, DAY_MS, 3 * DAY_MS, 40 * DAY_MS]

const curve = fc.record({
  tz: fc.constantFrom(...ZONES),
  start: fc.integer({min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1)}),
  gaps: fc.array(fc.tuple(fc.constantFrom(...GAPS_MS), fc.integer({min: 1, max: 500})), {maxLength: 12}),
})

function times(start: number, gaps: Array<[number, number]>): Float64Array {
  const out = [start]
  for (const [gap, count] of gaps) for (let k = 0; k < count; k++) out.push(out[out.length - 1] + gap)
  return Float64Array.from(out)
}

describe('a curve\'s months and days, found by searching ahead', () => {
  it('monthLasts: the months and their last points that a look at every point finds', () => {
    fc.assert(fc.property(curve, ({tz, start, gaps}) => {
      const time = times(start, gaps)
      assert.deepEqual(monthLasts(time, tz), monthLastsEveryPoint(time, tz))
    }), {numRuns: 400})
  })

  it('dailyLastIndices: each local day\'s last point, as a look at every point finds it', () => {
    fc.assert(fc.property(curve, ({tz, start, gaps}) => {
      const time = times(start, gaps)
      assert.deepEqual(Array.from(dailyLastIndices(time, tz)), dailyLastEveryPoint(time, tz))
    }), {numRuns: 400})
  })

  it('no points: no months, no days', () => {
    assert.deepEqual(monthLasts(new Float64Array(0), 'UTC'), [])
    assert.deepEqual(Array.from(dailyLastIndices(new Float64Array(0), 'UTC')), [])
  })
})
