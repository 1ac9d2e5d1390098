import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {dayNumber, lastWeekday, nthWeekday, SUNDAY} from '../../src/calendar/civil-date.js'
import {isValidTimeZone, localDateOf, localToUtc, utcOffset, utcToLocalParts} from '../../src/calendar/timezone.js'

const H = 3_600_000
const DAY = 86_400_000
const T = (iso: string) => Date.parse(iso)
const NY = 'America/New_York'
const BERLIN = 'Europe/Berlin'

/** US rule since 2007: 02:00 local on the 2nd Sunday of March / 1st Sunday of November. */
function usTransitions(year: number): [number, number] {
  const start = year >= 2007 ? nthWeekday(year, 3, SUNDAY, 2) : nthWeekday(year, 4, SUNDAY, 1)
  const end = year >= 2007 ? nthWeekday(year, 11, SUNDAY, 1) : lastWeekday(year, 10, SUNDAY)
  return [start * DAY + 7 * H, end * DAY + 6 * H] // 02:00 EST = 07:00Z, 02:00 EDT = 06:00Z
}

/** EU rule since 1996: 01:00 UTC on the last Sunday of March / October. */
function euTransitions(year: number): [number, number] {
  return [lastWeekday(year, 3, SUNDAY) * DAY + H, lastWeekday(year, 10, SUNDAY) * DAY + H]
}

describe('time zones', () => {
  it('New York offsets change exactly at the US rule instants, 1990–2040', () => {
    for (let y = 1990; y <= 2040; y++) {
      const [start, end] = usTransitions(y)
      assert.equal(utcOffset(start - 1000, NY), -5 * H, `${y} before spring`)
      assert.equal(utcOffset(start, NY), -4 * H, `${y} spring`)
      assert.equal(utcOffset(end - 1000, NY), -4 * H, `${y} before fall`)
      assert.equal(utcOffset(end, NY), -5 * H, `${y} fall`)
    }
  })

  it('Berlin offsets change exactly at the EU rule instants, 1996–2040', () => {
    for (let y = 1996; y <= 2040; y++) {
      const [start, end] = euTransitions(y)
      assert.equal(utcOffset(start - 1000, BERLIN), H, `${y}`)
      assert.equal(utcOffset(start, BERLIN), 2 * H, `${y}`)
      assert.equal(utcOffset(end - 1000, BERLIN), 2 * H, `${y}`)
      assert.equal(utcOffset(end, BERLIN), H, `${y}`)
    }
  })

  it('09:30 New York is 14:30Z in winter and 13:30Z in summer, switching on the DST Sundays', () => {
    assert.equal(localToUtc(2024, 3, 8, 9, 30, NY), T('2024-03-08T14:30:00Z'))
    assert.equal(localToUtc(2024, 3, 11, 9, 30, NY), T('2024-03-11T13:30:00Z'))
    assert.equal(localToUtc(2024, 11, 1, 9, 30, NY), T('2024-11-01T13:30:00Z'))
    assert.equal(localToUtc(2024, 11, 4, 9, 30, NY), T('2024-11-04T14:30:00Z'))
  })

  it('a wall time in the spring-forward gap moves forward; one in the fall-back overlap takes the earlier instant', () => {
    assert.equal(localToUtc(2024, 3, 10, 2, 30, NY), T('2024-03-10T07:30:00Z')) // = 03:30 EDT
    assert.equal(localToUtc(2024, 11, 3, 1, 30, NY), T('2024-11-03T05:30:00Z')) // 01:30 EDT, not EST
    assert.equal(localToUtc(2024, 3, 31, 2, 30, BERLIN), T('2024-03-31T01:30:00Z')) // = 03:30 CEST
    assert.equal(localToUtc(2024, 10, 27, 2, 30, BERLIN), T('2024-10-27T00:30:00Z')) // 02:30 CEST
    assert.equal(localToUtc(2024, 10, 27, 3, 0, BERLIN), T('2024-10-27T02:00:00Z')) // after the overlap
  })

  it('hour 24 is the next local midnight', () => {
    assert.equal(localToUtc(2024, 3, 30, 24, 0, BERLIN), localToUtc(2024, 3, 31, 0, 0, BERLIN))
    assert.equal(localToUtc(2024, 12, 31, 24, 0, 'Asia/Tokyo'), T('2024-12-31T15:00:00Z'))
  })

  it('utcToLocalParts and localDateOf read local wall time', () => {
    assert.deepEqual(utcToLocalParts(T('2024-03-10T07:00:00.250Z'), NY), {
      year: 2024, month: 3, day: 10, hour: 3, minute: 0, second: 0, millisecond: 250, weekday: 0,
    })
    assert.equal(localDateOf(T('2024-03-10T04:59:59Z'), NY), '2024-03-09')
    assert.equal(localDateOf(T('2024-03-10T05:00:00Z'), NY), '2024-03-10')
    assert.equal(localDateOf(T('2024-06-30T22:30:00Z'), BERLIN), '2024-07-01')
    assert.equal(localDateOf(T('1969-12-31T23:00:00Z'), 'UTC'), '1969-12-31')
  })

  it('agrees with Intl for random instants and zones (round trip through local parts)', () => {
    const zones = [NY, BERLIN, 'Australia/Sydney', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Chatham', 'UTC']
    const fmt = new Map(zones.map((z) => [z, new Intl.DateTimeFormat('en-US', {timeZone: z, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'})]))
    fc.assert(
      fc.property(fc.integer({min: T('1975-01-01T00:00:00Z') / 1000, max: T('2060-01-01T00:00:00Z') / 1000}), fc.constantFrom(...zones), (s, z) => {
        const t = s * 1000
        const p = utcToLocalParts(t, z)
        assert.equal(`${p.month}/${p.day}/${p.year}, ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}:${String(p.second).padStart(2, '0')}`, fmt.get(z)!.format(t))
        // Mapping the wall time back lands on t, unless t is the second copy of a repeated hour.
        const back = localToUtc(p.year, p.month, p.day, p.hour, p.minute, z) + p.second * 1000
        assert.ok(back === t || back < t, `${z} ${new Date(t).toISOString()}`)
      }),
      {numRuns: 3000},
    )
  })

  it('UTC is offset 0 at every instant, with local parts as Date reads them in UTC', () => {
    fc.assert(
      fc.property(fc.integer({min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1)}), (t) => {
        assert.equal(utcOffset(t, 'UTC'), 0)
        const p = utcToLocalParts(t, 'UTC')
        const d = new Date(t)
        assert.deepEqual([p.year, p.month, p.day, p.hour, p.minute], [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()])
      }),
      {numRuns: 2000},
    )
  })

  it('knows valid zone names', () => {
    assert.equal(isValidTimeZone('Europe/Berlin'), true)
    assert.equal(isValidTimeZone('Mars/Olympus'), false)
    assert.equal(dayNumber(1970, 1, 1), 0)
  })
})
