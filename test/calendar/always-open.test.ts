import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'

const DAY = 86_400_000
const T = (iso: string) => Date.parse(iso)

describe('24/7 calendar', () => {
  const cal = createCalendar('24/7')

  it('is always open and says so', () => {
    assert.equal(cal.alwaysOpen, true)
    assert.equal(cal.name, '24/7')
    assert.equal(cal.timezone, 'UTC')
    for (const t of [0, T('2024-03-10T07:00:00Z'), T('2024-12-31T23:59:59.999Z')]) assert.equal(cal.isOpen(t), true)
  })

  it('gives one session per UTC day overlapping [from, to)', () => {
    const s = cal.sessions(T('2024-01-01T12:00:00Z'), T('2024-01-03T00:00:00Z'))
    assert.deepEqual(s, [
      {open: T('2024-01-01T00:00:00Z'), close: T('2024-01-02T00:00:00Z')},
      {open: T('2024-01-02T00:00:00Z'), close: T('2024-01-03T00:00:00Z')},
    ])
    assert.deepEqual(cal.sessions(T('2024-01-01T12:00:00Z'), T('2024-01-01T12:00:00Z')), [])
    assert.equal(cal.sessions(T('2023-01-01T00:00:00Z'), T('2024-01-01T00:00:00Z')).length, 365)
  })

  it('nextSession is the UTC day containing t; session numbers are UTC day numbers', () => {
    const t = T('2024-02-29T18:30:00Z')
    assert.deepEqual(cal.nextSession(t), {open: T('2024-02-29T00:00:00Z'), close: T('2024-03-01T00:00:00Z')})
    assert.equal(cal.sessionIndexOf(t), Math.floor(t / DAY))
    assert.equal(cal.sessionIndexOf(T('2024-03-01T00:00:00Z')), cal.sessionIndexOf(t) + 1)
  })

  it('tradingDays lists UTC dates', () => {
    assert.deepEqual(cal.tradingDays(T('2024-02-28T23:00:00Z'), T('2024-03-01T00:00:01Z')), ['2024-02-28', '2024-02-29', '2024-03-01'])
  })
})
