/** Buy-and-hold, annualisation by market and timeframe, monthly returns in the market's time zone. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {createCalendar} from '../../src/calendar/index.js'
import {barsFromRows} from '../../src/core/bars.js'
import {annualisation} from '../../src/metrics/annualisation.js'
import {buyAndHoldEquity} from '../../src/metrics/buy-and-hold.js'
import {computeMetrics} from '../../src/metrics/metrics.js'
import {monthlyReturns, yearGrid} from '../../src/metrics/monthly.js'
import type {MarketSpec} from '../../src/model/bot-spec.js'

const H = 3_600_000
const D = 24 * H
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)
const bar = (time: number, close: number) => ({time, open: close, high: close, low: close, close})

describe('buy and hold', () => {
  it('one symbol: the cash buys at the first close, so the return is last / first close − 1', () => {
    const b = barsFromRows('A', H, [bar(0, 50), bar(H, 55), bar(2 * H, 40)])
    assert.deepEqual(Array.from(buyAndHoldEquity([b], b.time, 1000)), [1000, 1100, 800])
  })

  it('several symbols: equal parts, a late symbol holds its part in cash until its first close, a gap keeps the last close', () => {
    const a = barsFromRows('A', H, [bar(0, 10), bar(H, 20), bar(2 * H, NaN), bar(3 * H, 5)])
    const b = barsFromRows('B', H, [bar(H, 100), bar(2 * H, 150), bar(3 * H, 50)])
    const time = Float64Array.of(0, H, 2 * H, 3 * H)
    // A: 500 / 10 = 50 units; B: 500 / 100 = 5 units from its first close at H
    assert.deepEqual(Array.from(buyAndHoldEquity([a, b], time, 1000)), [500 + 500, 50 * 20 + 500, 50 * 20 + 5 * 150, 50 * 5 + 5 * 50])
  })

  it('a symbol on the run\'s own times gives, bit for bit, what the merge over a longer index gives', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({min: 0.01, max: 1e6, noNaN: true}), fc.constant(NaN)), {minLength: 1, maxLength: 60}), fc.double({min: 1, max: 1e9, noNaN: true}), (closes, cash) => {
        const b = barsFromRows('A', H, closes.map((c, i) => bar(i * H, c)))
        const own = buyAndHoldEquity([b], Float64Array.from(b.time), cash)
        // One more point after the last bar: not the symbol's own times, so the merge runs.
        const longer = buyAndHoldEquity([b], Float64Array.from([...b.time, closes.length * H]), cash)
        assert.deepEqual(Array.from(own), Array.from(longer.subarray(0, closes.length)))
      }),
      {numRuns: 300},
    )
  })
})

describe('annualisation', () => {
  const cases: Array<[MarketSpec, string, number, number]> = [
    ['NYSE', '1D', D, 252],
    ['NYSE', '5M', 5 * 60_000, 252 * 78],
    ['NYSE', '1H', H, 252 * 7], // 6.5 h sessions: 7 hourly bars, the last one half a bar
    ['24/7', '1D', D, 365],
    ['24/7', '1M', 60_000, 365 * 1440],
    [{timezone: 'Europe/Berlin', open: '09:00', close: '17:30', days: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: []}, '5M', 5 * 60_000, 252 * 102],
    [{timezone: 'Asia/Dubai', open: '10:00', close: '14:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], holidays: []}, '1D', D, (252 * 6) / 5],
    ['NYSE', '1W', 7 * D, 365.25 / 7],
  ]
  for (const [market, tf, ms, expected] of cases) {
    it(`${typeof market === 'string' ? market : market.timezone} ${tf}: ${expected}`, () => {
      const from = Date.UTC(2021, 0, 4)
      near(annualisation(market, ms, createCalendar(market), from, from + 60 * D).periodsPerYear, expected, 'periods per year')
    })
  }
  it('an early close does not change the bars per session (the most common session length counts)', () => {
    // 2021-11-22 .. 2021-12-03 holds Thanksgiving and the early close on the 26th
    const from = Date.UTC(2021, 10, 22)
    assert.equal(annualisation('NYSE', 5 * 60_000, createCalendar('NYSE'), from, from + 12 * D).periodsPerYear, 252 * 78)
  })

  it('a run of nothing but early closes still takes the full session (found by an audit: 252 × 42 for the half day after Thanksgiving)', () => {
    const halfDay = Date.UTC(2021, 10, 26, 14, 30) // 09:30 New York, closes 13:00
    assert.equal(annualisation('NYSE', 5 * 60_000, createCalendar('NYSE'), halfDay, halfDay + 3.5 * 3_600_000).periodsPerYear, 252 * 78)
    assert.equal(annualisation('NYSE', 3_600_000, createCalendar('NYSE'), halfDay, halfDay + 3.5 * 3_600_000).periodsPerYear, 252 * 7)
  })
})

describe('monthly returns', () => {
  it('months are the market time zone\'s; each month over the previous month\'s last value', () => {
    const tz = 'America/New_York'
    // 2020-01-31 20:00 New York is 2020-02-01 01:00 UTC: still January there.
    const time = Float64Array.of(Date.UTC(2020, 0, 15, 15), Date.UTC(2020, 1, 1, 1), Date.UTC(2020, 1, 3, 15), Date.UTC(2020, 2, 2, 15))
    const value = Float64Array.of(105, 110, 99, 121)
    const m = monthlyReturns(100, time, value, tz)
    assert.deepEqual(m.map((x) => [x.year, x.month]), [[2020, 1], [2020, 2], [2020, 3]])
    near(m[0].return, 0.1, 'January: 110 / 100')
    near(m[1].return, -0.1, 'February: 99 / 110')
    near(m[2].return, 121 / 99 - 1, 'March')
    const grid = yearGrid(m)
    assert.equal(grid.length, 1)
    near(grid[0].total, 0.21, 'the year: 121 / 100')
    assert.equal(grid[0].months[3], null)
  })
})

describe('computeMetrics', () => {
  it('puts strategy and buy-and-hold side by side, and its JSON has null where a figure is undefined', () => {
    const bars = barsFromRows('A', D, [bar(0, 10), bar(D, 11), bar(2 * D, 12)])
    const m = computeMetrics({
      result: {initialCash: 100, equity: {time: bars.time, value: Float64Array.of(100, 100, 100)}, trades: [], fills: [], positions: [], start: 0, end: 3 * D},
      bars: [bars],
      settings: {riskFreeRate: 0, periodsPerYear: 365, annualisation: 'test', timezone: 'UTC'},
    })
    near(m.benchmark.totalReturn, 0.2, 'buy & hold')
    assert.equal(m.strategy.totalReturn, 0)
    const json = JSON.parse(JSON.stringify(m))
    assert.equal(json.strategy.sharpe, null)
    assert.equal(json.strategy.winRate, null)
    assert.equal(json.strategy.exposure, 0)
    assert.equal(json.benchmark.exposure, 1)
  })
})
