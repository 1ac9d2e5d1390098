/**
 * The spans `partial` is measured on (src/data/bucket-span.ts): each bucket ends where HigherBars
 * (the streaming resampler, whose buckets resample-dst.test.ts checks against the SQL's) ends it,
 * around clock changes forward and back, at midnight, by half an hour, and in a :30 zone; and a
 * bucket holds the session time of its market.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {utcOffset} from '../../src/calendar/timezone.js'
import {bucketCapacity, bucketEnd, offsetsOver} from '../../src/data/bucket-span.js'
import {HigherBars} from '../../src/rules/runtime/higher-bars.js'
import {ms} from './helpers.js'

const M5 = 5 * 60_000
const H1 = 3_600_000
const DAY = 24 * H1

/** Zones and a day just before one of their changes; four days of 5-minute bars from there cover it. */
const CHANGES: Array<[string, string]> = [
  ['America/New_York', '2024-03-09'], ['America/New_York', '2024-11-02'],
  ['Europe/London', '2024-03-30'], ['Europe/London', '2024-10-26'],
  ['America/Havana', '2024-03-09'], ['America/Havana', '2024-11-02'], // midnight skipped; 01:00 back to 00:00
  ['America/Sao_Paulo', '2018-11-03'], ['America/Sao_Paulo', '2019-02-16'], // 00:00 skipped; 00:00 back to 23:00
  ['Australia/Lord_Howe', '2024-04-06'], ['Australia/Lord_Howe', '2024-10-05'], // half an hour
  ['Asia/Kolkata', '2024-03-09'],
]

describe('bucketEnd', () => {
  it('ends every bucket where HigherBars does, around clock changes', () => {
    for (const [zone, day] of CHANGES) {
      for (const tf of [40 * 60_000, H1, 4 * H1, 5 * H1, DAY, 7 * DAY]) {
        let checked = 0
        const hb = new HigherBars(tf, zone, () => {})
        let start = NaN
        for (let t = ms(`${day}T00:00:00Z`) - 7 * DAY; t < ms(`${day}T00:00:00Z`) + 4 * DAY; t += M5) {
          hb.push(1, 1, 1, 1, 1, t, NaN)
          if (hb.start === start) continue
          start = hb.start
          assert.equal(bucketEnd(hb.start, tf, zone), hb.end, `${zone} ${tf / 60_000}M bucket at ${new Date(hb.start).toISOString()}`)
          checked++
        }
        assert.ok(checked > 1)
      }
    }
  })
})

describe('offsetsOver', () => {
  it('lists each change with its new offset', () => {
    const y = offsetsOver('America/New_York', ms('2024-01-01T00:00:00Z'), ms('2025-01-01T00:00:00Z'))
    assert.deepEqual(y, [{at: -Infinity, offset: -5 * H1}, {at: ms('2024-03-10T07:00:00Z'), offset: -4 * H1}, {at: ms('2024-11-03T06:00:00Z'), offset: -5 * H1}])
    assert.deepEqual(offsetsOver('UTC', 0, 10 * 365 * DAY), [{at: -Infinity, offset: 0}])
  })

  it('finds every change across years, as an hourly scan of the offsets does', () => {
    for (const tz of ['America/New_York', 'Australia/Lord_Howe', 'America/Havana', 'Europe/London']) {
      const from = ms('2019-07-01T00:00:00Z')
      const to = ms('2024-07-01T00:00:00Z')
      const scanned: number[] = []
      for (let t = from + H1; t <= to; t += H1) if (utcOffset(t, tz) !== utcOffset(t - H1, tz)) scanned.push(t)
      const [first, ...changes] = offsetsOver(tz, from, to)
      assert.equal(first.offset, utcOffset(from, tz))
      assert.equal(changes.length, scanned.length, tz)
      changes.forEach((c, k) => {
        assert.ok(c.at > scanned[k] - H1 && c.at <= scanned[k], `${tz} change ${k}`)
        assert.equal(c.offset, utcOffset(c.at, tz))
        assert.notEqual(utcOffset(c.at - 1, tz), c.offset)
      })
    }
  })
})

describe('bucketCapacity', () => {
  const nyse = createCalendar('NYSE')
  const nyDay = (date: string, next: string, offset: number) => ({start: ms(`${date}T0${offset}:00:00Z`), end: ms(`${next}T0${offset}:00:00Z`)})

  it('a market that never closes: the real length, in source bars begun', () => {
    assert.equal(bucketCapacity({start: ms('2024-03-10T05:00:00Z'), end: ms('2024-03-11T04:00:00Z')}, 60_000, 'America/New_York', undefined), 23 * 60)
    assert.equal(bucketCapacity({start: 0, end: 90 * 60_000}, H1, 'UTC', undefined), 2)
  })

  it('NYSE: session minutes, 390 a day, 210 on an early close, none on a holiday; sessions of a week', () => {
    assert.equal(bucketCapacity(nyDay('2024-11-27', '2024-11-28', 5), 60_000, 'America/New_York', nyse), 390)
    assert.equal(bucketCapacity(nyDay('2024-11-28', '2024-11-29', 5), 60_000, 'America/New_York', nyse), 0)
    assert.equal(bucketCapacity(nyDay('2024-11-29', '2024-11-30', 5), 60_000, 'America/New_York', nyse), 210)
    assert.equal(bucketCapacity(nyDay('2024-11-29', '2024-11-30', 5), 5 * 60_000, 'America/New_York', nyse), 42)
    assert.equal(bucketCapacity(nyDay('2024-11-25', '2024-12-02', 5), DAY, 'America/New_York', nyse), 4)
    assert.equal(bucketCapacity(nyDay('2024-11-25', '2024-12-02', 5), 60_000, 'America/New_York', nyse), 3 * 390 + 210)
  })

  it('outside the calendar’s years: as a market that never closes', () => {
    assert.equal(bucketCapacity(nyDay('1985-01-02', '1985-01-03', 5), 60_000, 'America/New_York', nyse), 1440)
  })
})
