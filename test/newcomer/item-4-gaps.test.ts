/** Issue 14 item 4: findMissing on hand-made series — closures are never missing, holes are. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {createCalendar} from '../../src/calendar/index.js'
import {BotsError} from '../../src/core/errors.js'
import {findMissing, localTime} from '../../src/data/gaps.js'
import {inferMarket, resolveMarket} from '../../src/data/show.js'

const NY = 'America/New_York'
const nyse = createCalendar('NYSE')
const DAY = 86_400_000
const MIN = 60_000
/** 00:00 New York of a date in winter (EST, UTC-5). */
const nyMidnight = (date: string) => Date.parse(`${date}T05:00:00Z`)
const daily = (dates: string[]) => dates.map(nyMidnight)
const without = (xs: number[], ...drop: number[]) => xs.filter((x) => !drop.includes(x))

describe('findMissing, daily bars', () => {
  // NYSE sessions 2014-12-22 … 2015-01-06: 25 Dec and 1 Jan are holidays, weekends closed.
  const sessions = ['2014-12-22', '2014-12-23', '2014-12-24', '2014-12-26', '2014-12-29', '2014-12-30', '2014-12-31', '2015-01-02', '2015-01-05', '2015-01-06']
  const opts = {calendar: nyse, timeframeMs: DAY, timezone: NY, limit: 20}

  it('a complete series: weekends and holidays are not missing', () => {
    assert.deepEqual(findMissing(daily(sessions), opts), {unit: 'session', count: 0, runs: 0, outside: 0, ranges: []})
  })

  it('lists missing sessions as dates, consecutive ones as one run (a holiday between does not break it)', () => {
    const series = daily(sessions.filter((d) => !['2014-12-24', '2014-12-26', '2014-12-30'].includes(d)))
    assert.deepEqual(findMissing(series, opts), {
      unit: 'session',
      count: 3,
      runs: 2,
      outside: 0,
      ranges: [
        {from: '2014-12-24', to: '2014-12-26', count: 2},
        {from: '2014-12-30', to: '2014-12-30', count: 1},
      ],
    })
    assert.deepEqual(findMissing(series, {...opts, limit: 1}).ranges, [{from: '2014-12-24', to: '2014-12-26', count: 2}])
    assert.equal(findMissing(series, {...opts, limit: 1}).runs, 2)
  })

  it('a bar dated on a closed day is counted as outside, not as a session', () => {
    const r = findMissing(daily([...sessions.slice(0, 3), '2014-12-25', ...sessions.slice(3)]), opts)
    assert.deepEqual([r.count, r.outside], [0, 1])
  })

  it('only between the first and the last bar', () => {
    assert.equal(findMissing(daily(sessions.slice(3, 6)), opts).count, 0)
  })

  it('a series starting on the first day the NYSE calendar covers (1990-01-02) is measured', () => {
    assert.equal(findMissing(daily(['1990-01-02', '1990-01-03', '1990-01-05']), opts).ranges[0].from, '1990-01-04')
  })

  it('weekly bars: a week that traded and has no bar is one missing period', () => {
    const mondays = ['2014-12-01', '2014-12-08', '2014-12-15', '2014-12-22', '2014-12-29', '2015-01-05'].map(nyMidnight)
    const week = {...opts, timeframeMs: 7 * DAY}
    assert.equal(findMissing(mondays, week).count, 0)
    assert.deepEqual(findMissing(without(mondays, nyMidnight('2014-12-22')), week).ranges, [{from: '2014-12-22', to: '2014-12-26', count: 1}])
  })

  it('weekly bars dated on a holiday Monday are not outside the market; a week with no trading day is', () => {
    // 2014-01-20 (Martin Luther King Day) and 2014-02-17 (Presidents' Day) are NYSE holidays, as
    // resampled weeks are dated by their Mondays (found by an audit: 94 of ORCL's were "outside").
    const mondays = ['2014-01-13', '2014-01-20', '2014-01-27', '2014-02-03', '2014-02-10', '2014-02-17'].map(nyMidnight)
    const week = {...opts, timeframeMs: 7 * DAY}
    assert.equal(findMissing(mondays, week).outside, 0)
    // A market closed for a whole week (a custom calendar's holidays): that week's bar is outside.
    const closedWeek = createCalendar({timezone: NY, open: '09:30', close: '16:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: ['2014-01-27', '2014-01-28', '2014-01-29', '2014-01-30', '2014-01-31']})
    assert.equal(findMissing(mondays, {...week, calendar: closedWeek}).outside, 1)
    // Daily bars on those Mondays are still each outside.
    assert.equal(findMissing(daily(['2014-01-17', '2014-01-20', '2014-01-21']), opts).outside, 1)
  })
})

describe('findMissing, intraday bars', () => {
  // NYSE, 30-minute bars: Tue 2 July 2013 full day (09:30–16:00, 13 bars), Wed 3 July early close
  // at 13:00 (7 bars), Thu 4 July holiday, Fri 5 July full day.
  const day = (date: string, bars: number) => Array.from({length: bars}, (_, i) => Date.parse(`${date}T13:30:00Z`) + i * 30 * MIN)
  const complete = [...day('2013-07-02', 13), ...day('2013-07-03', 7), ...day('2013-07-05', 13)]
  const opts = {calendar: nyse, timeframeMs: 30 * MIN, timezone: NY, limit: 20}

  it('a complete series: nights, the early close and the holiday are not missing', () => {
    assert.deepEqual(findMissing(complete, opts), {unit: 'bar', count: 0, runs: 0, outside: 0, ranges: []})
  })

  it('bars missing inside sessions, in the market zone with its offset; the night between is not counted', () => {
    const at = (iso: string) => Date.parse(iso)
    const series = without(complete, at('2013-07-02T15:00:00Z'), at('2013-07-03T16:30:00Z'), at('2013-07-05T13:30:00Z'), at('2013-07-05T14:00:00Z'))
    assert.deepEqual(findMissing(series, opts), {
      unit: 'bar',
      count: 4,
      runs: 3,
      outside: 0,
      ranges: [
        {from: '2013-07-02T11:00:00-04:00', to: '2013-07-02T11:00:00-04:00', count: 1},
        // the last bar before the early close; the holiday and the night after it are not missing
        {from: '2013-07-03T12:30:00-04:00', to: '2013-07-03T12:30:00-04:00', count: 1},
        {from: '2013-07-05T09:30:00-04:00', to: '2013-07-05T10:00:00-04:00', count: 2},
      ],
    })
  })

  it('a whole session without bars is one run of all its slots; a bar in no session is outside', () => {
    const r = findMissing([...day('2013-07-02', 13), ...day('2013-07-05', 13)], opts)
    assert.deepEqual(r.ranges, [{from: '2013-07-03T09:30:00-04:00', to: '2013-07-03T12:30:00-04:00', count: 7}])
    assert.equal(findMissing([...complete.slice(0, 13), Date.parse('2013-07-02T23:00:00Z'), ...complete.slice(13)], opts).outside, 1)
  })

  it('24/7: a hole across midnight is all missing', () => {
    const h = 3_600_000
    const t0 = Date.parse('2024-03-01T20:00:00Z')
    const r = findMissing([t0, t0 + h, t0 + 6 * h], {calendar: createCalendar('24/7'), timeframeMs: h, timezone: 'UTC', limit: 5})
    assert.deepEqual(r.ranges, [{from: '2024-03-01T22:00:00+00:00', to: '2024-03-02T01:00:00+00:00', count: 4}])
  })
})

describe('market and local times', () => {
  it('localTime follows daylight saving time', () => {
    assert.equal(localTime(Date.parse('2006-01-02T08:00:00Z'), 'Europe/Berlin'), '2006-01-02T09:00:00+01:00')
    assert.equal(localTime(Date.parse('2006-07-03T07:00:00Z'), 'Europe/Berlin'), '2006-07-03T09:00:00+02:00')
    assert.equal(localTime(Date.parse('2013-07-03T16:30:00Z'), NY), '2013-07-03T12:30:00-04:00')
  })

  it('--market: 24/7, NYSE, "ZONE HH:MM-HH:MM", JSON; anything else is a BotsError with a hint', () => {
    assert.equal(resolveMarket('NYSE', undefined).name, 'NYSE')
    assert.equal(resolveMarket('24/7', NY).name, '24/7')
    assert.deepEqual(resolveMarket('Europe/Berlin 09:00-17:30', undefined).spec, {days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [], timezone: 'Europe/Berlin', open: '09:00', close: '17:30'})
    const j = resolveMarket('{"timezone":"Europe/London","open":"08:00","close":"16:30","holidays":["2006-01-02"]}', undefined)
    assert.deepEqual([j.name, j.timezone, j.source], ['custom', 'Europe/London', 'flag'])
    assert.throws(() => resolveMarket('LSE', undefined), (e: unknown) => e instanceof BotsError && /not a market/.test(e.message) && /Europe\/Berlin 09:00-17:30/.test(e.diagnostic.hint ?? ''))
    assert.throws(() => resolveMarket('Mars/Base 09:00-17:30', undefined), BotsError)
  })

  it('default: NYSE for a New York import, else guessed from the bars', () => {
    assert.deepEqual([resolveMarket(undefined, NY).name, resolveMarket(undefined, NY).source], ['NYSE', 'import'])
    assert.equal(resolveMarket(undefined, 'Europe/Berlin').source, 'bars')
    const bars = [Date.parse('2006-01-06T08:00:00Z'), Date.parse('2006-01-06T16:25:00Z'), Date.parse('2006-01-07T10:00:00Z')]
    const m = inferMarket(bars, 'Europe/Berlin', 5 * MIN)
    assert.deepEqual(m.spec, {days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], holidays: [], timezone: 'Europe/Berlin', open: '09:00', close: '17:30'})
  })
})
