/**
 * Random markets for the vector path's property tests: bars with gaps, flat stretches and
 * tick-rounded prices, optional sessions, sleeptimes, and broker settings inside the vector
 * envelope (commissions, slippage, multipliers, tick sizes, cash).
 */
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar, Session} from '../../src/calendar/calendar.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Bars} from '../../src/model/bars.js'
import type {BacktestResult} from '../../src/engine/result.js'
import {benchmarkPart, buyAndHoldEquity, computeMetrics} from '../../src/metrics/metrics.js'
import type {VectorRunResult} from '../../src/sweep/vector/account.js'
import {fillObjects} from '../../src/model/fill-log.js'
import {tradeObjects} from '../../src/model/trade-log.js'
import {metricsPlan, runMetrics} from '../../src/sweep/vector/run-metrics.js'
import {ListCalendar} from '../engine/list-calendar.js'

export const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1, 8)

export interface Market {
  tf: number
  steps: number[]
  moves: number[]
  gapMoves: number[]
  tick: number
  sleepBars: number
  sessions: Array<{gap: number; length: number}> | null
}

export const marketArb: fc.Arbitrary<Market> = fc.record({
  tf: fc.constantFrom(1, 5, 60),
  // Bars to the next bar (1 = contiguous), moves of the close (0 = flat), open gaps.
  steps: fc.array(fc.oneof({weight: 5, arbitrary: fc.constant(1)}, {weight: 1, arbitrary: fc.integer({min: 2, max: 300})}), {minLength: 40, maxLength: 260, size: 'max'}),
  moves: fc.array(fc.oneof({weight: 1, arbitrary: fc.constant(0)}, {weight: 3, arbitrary: fc.double({min: -0.03, max: 0.03, noNaN: true})}), {minLength: 260, maxLength: 260}),
  gapMoves: fc.array(fc.oneof(fc.constant(0), fc.double({min: -0.02, max: 0.02, noNaN: true})), {minLength: 260, maxLength: 260}),
  tick: fc.constantFrom(0, 0.01, 0.25),
  sleepBars: fc.constantFrom(1, 1, 1, 0.5, 1.5, 2, 3),
  sessions: fc.option(fc.array(fc.record({gap: fc.integer({min: 0, max: 600}), length: fc.integer({min: 30, max: 900})}), {minLength: 1, maxLength: 40, size: 'max'}), {freq: 3}),
})

/** Broker settings the vector path takes; `allowShort` as given. */
export const brokerArb = (allowShort: fc.Arbitrary<boolean>): fc.Arbitrary<BrokerSpec> => fc
  .record({
    cash: fc.oneof({weight: 3, arbitrary: fc.constant(100_000)}, {weight: 1, arbitrary: fc.double({min: 50, max: 5000, noNaN: true})}),
    perShare: fc.oneof(fc.constant(0), fc.double({min: 0, max: 0.05, noNaN: true})),
    percent: fc.oneof(fc.constant(0), fc.double({min: 0, max: 0.5, noNaN: true})),
    fixed: fc.oneof(fc.constant(0), fc.double({min: 0, max: 2, noNaN: true})),
    minimum: fc.oneof(fc.constant(0), fc.double({min: 0, max: 5, noNaN: true})),
    slippageBps: fc.oneof(fc.constant(0), fc.double({min: 0, max: 30, noNaN: true})),
    multiplier: fc.option(fc.constantFrom(2, 10, 0.5), {freq: 4}),
    // A tick size rounds only limit and stop prices: market orders are untouched.
    tickSize: fc.option(fc.constantFrom(0.01, 0.25), {freq: 4}),
    allowShort,
  })
  .map((r) => ({
    cash: r.cash, commission: {perShare: r.perShare, percent: r.percent, fixed: r.fixed, minimum: r.minimum}, slippageBps: r.slippageBps,
    allowShort: r.allowShort, fillPrice: 'next_open' as const, ...(r.multiplier === null && r.tickSize === null ? {} : {instruments: {X: {...(r.multiplier === null ? {} : {multiplier: r.multiplier}), ...(r.tickSize === null ? {} : {tickSize: r.tickSize})}}}),
  }))

export function barsOf(c: Market): Bars {
  const rows = []
  let t = T0
  let close = 50
  for (let i = 0; i < c.steps.length; i++) {
    const round = (x: number) => (c.tick > 0 ? Math.max(c.tick, Math.round(x / c.tick) * c.tick) : x)
    const open = round(close * (1 + c.gapMoves[i]))
    close = round(close * (1 + c.moves[i]))
    rows.push({time: t, open, high: Math.max(open, close) * 1.01, low: Math.min(open, close) * 0.99, close, volume: 1000})
    t += c.steps[i] * c.tf * MIN
  }
  return barsFromRows('X', c.tf * MIN, rows)
}

export function calendarOf(c: Market): MarketCalendar {
  if (c.sessions === null) return createCalendar('24/7')
  const list: Session[] = []
  let t = T0 - 120 * MIN
  for (const s of c.sessions) {
    const open = t + s.gap * MIN
    list.push({open, close: open + s.length * MIN})
    t = open + s.length * MIN
  }
  return new ListCalendar(list)
}

/**
 * A vector run against the engine's, figure for figure: fills, trades, equity, counts, the open
 * position and the final figures (Object.is, so -0 and NaN count too), then the metrics, as
 * objects and as JSON (key order included), from the one-pass metrics and from computeMetrics.
 */
export function assertSameAsEngine(v: VectorRunResult, engine: BacktestResult, bars: Bars, cash: number, tf: number): void {
  const fills = fillObjects(v.fillLog, ['X'])
  assert.deepStrictEqual(fills, engine.fills)
  const trades = tradeObjects(v.tradeLog, ['X'])
  assert.deepStrictEqual(trades, engine.trades)
  assert.deepStrictEqual(v.equity.value, engine.equity.value)
  assert.equal(v.equity.time, engine.equity.time)
  assert.deepStrictEqual(v.counts, engine.counts)
  assert.deepStrictEqual(v.positions, engine.positions)
  for (const k of ['start', 'end', 'initialCash', 'finalCash', 'finalValue'] as const) assert.ok(Object.is(v[k], engine[k]), `${k}: ${v[k]} vs ${engine[k]}`)

  const settings = {riskFreeRate: 0.02, periodsPerYear: 525_600 / tf, annualisation: 'test', timezone: 'America/New_York'}
  const benchmark = benchmarkPart(cash, bars.time, buyAndHoldEquity([bars], bars.time, cash), settings)
  const expected = computeMetrics({result: engine, bars: [bars], settings, benchmarkMetrics: benchmark})
  const actual = runMetrics(metricsPlan(bars.time, settings, benchmark), v)
  assert.deepStrictEqual(actual, expected)
  assert.equal(JSON.stringify(actual), JSON.stringify(expected))
  // The sweep's vector worker uses the one-pass metrics; computeMetrics over the vector result agrees too.
  assert.deepStrictEqual(computeMetrics({result: {...v, fills, trades}, bars: [bars], settings, benchmarkMetrics: benchmark}), expected)
}
