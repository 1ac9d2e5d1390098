import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {
  civilFromDayNumber,
  dayNumber,
  easterSunday,
  isoDate,
  lastWeekday,
  MONDAY,
  nthWeekday,
  parseIsoDate,
  THURSDAY,
  weekdayOf,
} from '../../src/calendar/civil-date.js'

const DAY = 86_400_000

describe('civil dates', () => {
  it('agree with Date.UTC for day numbers, weekdays and round trips (1600–2400)', () => {
    fc.assert(
      fc.property(fc.integer({min: -135_000, max: 157_000}), (n) => {
        const d = new Date(n * DAY)
        const c = civilFromDayNumber(n)
        assert.deepEqual(c, {year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate()})
        assert.equal(dayNumber(c.year, c.month, c.day), n)
        assert.equal(weekdayOf(n), d.getUTCDay())
      }),
      {numRuns: 2000},
    )
  })

  it('parses only real ISO dates', () => {
    assert.equal(parseIsoDate('2024-02-29'), dayNumber(2024, 2, 29))
    assert.equal(parseIsoDate('2023-02-29'), undefined)
    assert.equal(parseIsoDate('2024-13-01'), undefined)
    assert.equal(parseIsoDate('2024-1-01'), undefined)
    assert.equal(isoDate(dayNumber(1999, 12, 31)), '1999-12-31')
  })

  it('computes Easter (known dates, including the extremes March 22 and April 25)', () => {
    const known: Record<number, string> = {
      1818: '1818-03-22',
      1943: '1943-04-25',
      1990: '1990-04-15',
      2000: '2000-04-23',
      2008: '2008-03-23',
      2011: '2011-04-24',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2025: '2025-04-20',
      2038: '2038-04-25',
    }
    for (const [year, date] of Object.entries(known)) assert.equal(isoDate(easterSunday(Number(year))), date, year)
  })

  it('finds nth and last weekdays of a month', () => {
    assert.equal(isoDate(nthWeekday(2024, 1, MONDAY, 3)), '2024-01-15')
    assert.equal(isoDate(nthWeekday(2024, 4, MONDAY, 1)), '2024-04-01') // the 1st itself
    assert.equal(isoDate(nthWeekday(2006, 11, THURSDAY, 4)), '2006-11-23') // a 5-Thursday November
    assert.equal(isoDate(lastWeekday(2024, 5, MONDAY)), '2024-05-27')
    assert.equal(isoDate(lastWeekday(2021, 5, MONDAY)), '2021-05-31') // the last day itself
    assert.equal(isoDate(lastWeekday(2024, 12, MONDAY)), '2024-12-30') // month 12 rolls into next year
  })
})
