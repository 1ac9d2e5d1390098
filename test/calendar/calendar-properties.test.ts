/**
 * Properties every calendar must have, checked with fast-check on 24/7, NYSE and random custom
 * markets (random zones, hours, weekdays and holidays).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import type {MarketCalendar} from '../../src/calendar/calendar.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {CustomMarket} from '../../src/model/bot-spec.js'

const DAY = 86_400_000
const MIN_T = Date.parse('1990-01-03T00:00:00Z')
const MAX_T = Date.parse('2060-01-01T00:00:00Z')
const ZONES = ['America/New_York', 'Europe/Berlin', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Auckland', 'America/Sao_Paulo', 'UTC']
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`

const customMarket: fc.Arbitrary<CustomMarket> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    open: fc.integer({min: 0, max: 1439}),
    length: fc.integer({min: 1, max: 1440}),
    days: fc.subarray(DAYS, {minLength: 1}),
    holidays: fc.array(fc.date({min: new Date('1990-01-01T00:00:00Z'), max: new Date('2059-12-31T00:00:00Z'), noInvalidDate: true}), {maxLength: 20}),
  })
  .map(({timezone, open, length, days, holidays}) => ({
    timezone,
    open: hhmm(open),
    close: hhmm(Math.min(1440, open + length)),
    days,
    holidays: holidays.map((d) => d.toISOString().slice(0, 10)),
  }))

const calendar: fc.Arbitrary<MarketCalendar> = fc.oneof(
  fc.constant(createCalendar('24/7')),
  fc.constant(createCalendar('NYSE')),
  customMarket.map((m) => createCalendar(m)),
)
const instant = fc.integer({min: MIN_T, max: MAX_T})

/** Sessions near t, wide enough to contain the session after the longest closure (9/11: 6 days). */
const around = (cal: MarketCalendar, t: number) => cal.sessions(t - 3 * DAY, t + 16 * DAY)

describe('calendar properties', () => {
  it('sessions are ascending, non-overlapping, non-empty and overlap the asked range', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({min: 0, max: 60 * DAY}), (cal, from, span) => {
        const to = from + span
        const s = cal.sessions(from, to)
        for (let i = 0; i < s.length; i++) {
          assert.ok(s[i].open < s[i].close)
          assert.ok(s[i].open < to && s[i].close > from, 'overlaps [from, to)')
          if (i > 0) assert.ok(s[i - 1].close <= s[i].open, 'ascending, non-overlapping')
        }
        assert.equal(cal.tradingDays(from, to).length, s.length)
        // Complete: the first is nextSession(from), each next one is nextSession(previous close).
        if (s.length > 0) assert.deepEqual(cal.nextSession(from), s[0])
        for (let i = 1; i < s.length; i++) assert.deepEqual(cal.nextSession(s[i - 1].close), s[i])
        const next = cal.nextSession(from)
        if (s.length === 0 && span > 0 && next) assert.ok(next.open >= to)
      }),
      {numRuns: 400},
    )
  })

  it('isOpen(t) is membership in sessions(); sessionIndexOf agrees', () => {
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        const inside = around(cal, t).some((s) => s.open <= t && t < s.close)
        assert.equal(cal.isOpen(t), inside)
        assert.equal(cal.sessionIndexOf(t) >= 0, inside)
      }),
      {numRuns: 500},
    )
  })

  it('nextSession(t) is the first session with close > t', () => {
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        const expected = around(cal, t).find((s) => s.close > t)
        if (expected) assert.deepEqual(cal.nextSession(t), expected)
        else assert.ok(cal.nextSession(t) === undefined || cal.nextSession(t)!.open >= t + 16 * DAY)
      }),
      {numRuns: 500},
    )
  })

  it('session numbers count sessions: consecutive sessions differ by one', () => {
    fc.assert(
      fc.property(calendar, instant, (cal, t) => {
        const s = cal.sessions(t, t + 10 * DAY)
        for (let i = 1; i < s.length; i++) {
          assert.equal(cal.sessionIndexOf(s[i].open), cal.sessionIndexOf(s[i - 1].open) + 1)
          assert.equal(cal.sessionIndexOf(s[i].close - 1), cal.sessionIndexOf(s[i].open))
        }
      }),
      {numRuns: 300},
    )
  })
})
