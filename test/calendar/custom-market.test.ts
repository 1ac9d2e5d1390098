import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {CustomMarket} from '../../src/model/bot-spec.js'

const T = (iso: string) => Date.parse(iso)
const xetra: CustomMarket = {timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: ['2024-12-24', '2024-12-25', '2024-12-26', '2024-12-31', '2025-01-01']}

describe('custom markets', () => {
  const cal = createCalendar(xetra)

  it('describes itself', () => {
    assert.equal(cal.name, 'custom')
    assert.equal(cal.timezone, 'Europe/Berlin')
    assert.equal(cal.alwaysOpen, false)
  })

  it('keeps local hours across the EU DST change (last Sunday of March and of October)', () => {
    assert.deepEqual(cal.sessions(T('2024-03-29T00:00:00Z'), T('2024-04-02T00:00:00Z')), [
      {open: T('2024-03-29T08:00:00Z'), close: T('2024-03-29T16:30:00Z')}, // CET
      {open: T('2024-04-01T07:00:00Z'), close: T('2024-04-01T15:30:00Z')}, // CEST
    ])
    assert.deepEqual(cal.sessions(T('2024-10-25T00:00:00Z'), T('2024-10-29T00:00:00Z')), [
      {open: T('2024-10-25T07:00:00Z'), close: T('2024-10-25T15:30:00Z')},
      {open: T('2024-10-28T08:00:00Z'), close: T('2024-10-28T16:30:00Z')},
    ])
  })

  it('skips weekends and the listed holidays', () => {
    assert.deepEqual(cal.tradingDays(T('2024-12-20T00:00:00Z'), T('2025-01-03T00:00:00Z')), ['2024-12-20', '2024-12-23', '2024-12-27', '2024-12-30', '2025-01-02'])
  })

  it('trades only on the listed weekdays', () => {
    const weekend = createCalendar({timezone: 'Asia/Tokyo', open: '10:00', close: '12:00', days: ['sat', 'sun'], holidays: []})
    assert.deepEqual(weekend.tradingDays(T('2024-06-10T00:00:00Z'), T('2024-06-24T00:00:00Z')), ['2024-06-15', '2024-06-16', '2024-06-22', '2024-06-23'])
  })

  it('close 24:00 ends at the next local midnight, even across a DST change', () => {
    const allDay = createCalendar({timezone: 'Europe/Berlin', open: '00:00', close: '24:00', days: ['sat', 'sun', 'mon'], holidays: []})
    const s = allDay.sessions(T('2024-03-30T00:00:00Z'), T('2024-04-02T00:00:00Z'))
    assert.deepEqual(s, [
      {open: T('2024-03-29T23:00:00Z'), close: T('2024-03-30T23:00:00Z')},
      {open: T('2024-03-30T23:00:00Z'), close: T('2024-03-31T22:00:00Z')}, // a 23-hour Sunday
      {open: T('2024-03-31T22:00:00Z'), close: T('2024-04-01T22:00:00Z')},
    ])
    assert.equal(allDay.isOpen(T('2024-03-31T21:59:59Z')), true)
    assert.equal(allDay.sessionIndexOf(T('2024-03-31T22:00:00Z')), allDay.sessionIndexOf(T('2024-03-31T21:59:59Z')) + 1)
  })

  it('is closed between sessions and points at the next one', () => {
    assert.equal(cal.isOpen(T('2024-06-14T15:29:59Z')), true) // Fri 17:29:59 CEST
    assert.equal(cal.isOpen(T('2024-06-14T15:30:00Z')), false) // Fri 17:30 CEST: close is exclusive
    assert.deepEqual(cal.nextSession(T('2024-06-14T15:30:00Z')), {open: T('2024-06-17T07:00:00Z'), close: T('2024-06-17T15:30:00Z')})
    assert.equal(cal.sessionIndexOf(T('2024-06-15T12:00:00Z')), -1)
  })

  it('rejects invalid markets with located BotsErrors', () => {
    const bad: Array<[Partial<CustomMarket>, string]> = [
      [{timezone: 'Mars/Olympus'}, 'calendar.timezone'],
      [{open: '9:00'}, 'calendar.hours'],
      [{open: '24:00'}, 'calendar.hours'],
      [{close: '24:01'}, 'calendar.hours'],
      [{open: '17:30', close: '09:00'}, 'calendar.hours'],
      [{days: ['monday']}, 'calendar.days'],
      [{days: []}, 'calendar.days'], // no session ever: nothing would iterate (found by an audit)
      [{holidays: ['2024-02-30']}, 'calendar.holidays'],
    ]
    for (const [change, code] of bad) {
      assert.throws(() => createCalendar({...xetra, ...change}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === code, code)
    }
  })

  it('refuses ranges outside its coverage instead of silently returning nothing', () => {
    assert.throws(() => cal.sessions(T('1960-01-01T00:00:00Z'), T('1961-01-01T00:00:00Z')), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'calendar.range')
    assert.equal(cal.nextSession(T('2100-01-02T00:00:00Z')), undefined)
  })
})
