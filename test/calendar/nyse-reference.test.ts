/**
 * The NYSE calendar against reference data from other sources (see
 * test/fixtures/calendar/README.md): every weekday closure 1990–2026, exact UTC sessions around
 * early closes and DST changes, and session counts over 33 years.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, it} from 'node:test'
import {fileURLToPath} from 'node:url'
import {dayNumber, isoDate, weekdayOf} from '../../src/calendar/civil-date.js'
import {localToUtc} from '../../src/calendar/timezone.js'
import {hoursOn, nyse} from './nyse-helpers.js'

const dir = fileURLToPath(new URL('../fixtures/calendar/', import.meta.url))
function rows(file: string): string[][] {
  return readFileSync(dir + file, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','))
}
const NY = 'America/New_York'
const startOf = (date: string) => {
  const [y, m, d] = date.split('-').map(Number)
  return localToUtc(y, m, d, 0, 0, NY)
}

describe('NYSE against reference data', () => {
  it('has exactly the reference weekday closures, 1990 through 2026', () => {
    const expected = new Set(rows('nyse-holidays.csv').map(([date]) => date))
    const missing: string[] = []
    const extra: string[] = []
    for (let d = dayNumber(1990, 1, 1); d <= dayNumber(2026, 12, 31); d++) {
      const w = weekdayOf(d)
      if (w === 0 || w === 6) continue
      const date = isoDate(d)
      const closed = hoursOn(date) === 'closed'
      if (closed && !expected.has(date)) extra.push(date)
      if (!closed && expected.has(date)) missing.push(date)
    }
    assert.deepEqual({missing, extra}, {missing: [], extra: []})
  })

  it('matches reference sessions exactly (UTC open and close)', () => {
    for (const [date, open, close] of rows('nyse-sessions.csv')) {
      const s = nyse.sessions(startOf(date), startOf(date) + 20 * 3_600_000)
      assert.deepEqual(s, [{open: Date.parse(open), close: Date.parse(close)}], date)
    }
  })

  it('matches reference session counts', () => {
    for (const [first, before, count] of rows('nyse-session-counts.csv')) {
      assert.equal(nyse.sessions(startOf(first), startOf(before)).length, Number(count), `${first}..${before}`)
      assert.equal(nyse.tradingDays(startOf(first), startOf(before)).length, Number(count))
    }
  })
})
