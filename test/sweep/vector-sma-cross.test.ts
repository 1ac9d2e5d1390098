/**
 * The sweep's vector evaluator of sma-cross against the engine: for random bars (gaps, flat
 * stretches, tick-rounded prices), sessions, sleeptimes, SMA periods, sizing, commissions,
 * slippage, multipliers, tick sizes and cash, the vector path's trades, fills, equity, counts, final figures
 * and metrics are the very doubles `runBacktest` and `computeMetrics` give (deepStrictEqual, so
 * -0 and NaN count too), and the metrics serialise to the same JSON (key order included).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import type {MarketCalendar, Session} from '../../src/calendar/calendar.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {benchmarkPart, buyAndHoldEquity, computeMetrics} from '../../src/metrics/metrics.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import type {Bars} from '../../src/model/bars.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {scheduleProblem} from '../../src/sweep/vector/envelope.js'
import {metricsPlan, runMetrics} from '../../src/sweep/vector/run-metrics.js'
import {iterationSchedule} from '../../src/sweep/vector/schedule.js'
import {fillObjects, tradeObjects} from '../../src/sweep/vector/logs.js'
import {simulateSmaCross} from '../../src/sweep/vector/sma-cross-sim.js'
import {smaLimbs, smaSeries} from '../../src/sweep/vector/sma-series.js'
import smaCross from '../../strategies/sma-cross.js'
import {ListCalendar} from '../engine/list-calendar.js'

const MIN = 60_000
const T0 = Date.UTC(2024, 0, 1, 8)

interface Case {
  tf: number
  steps: number[]
  moves: number[]
  gapMoves: number[]
  tick: number
  sleepBars: number
  sessions: Array<{gap: number; length: number}> | null
  fast: number
  slow: number
  sizing: {quantity: number} | {percent: number} | Record<string, never>
  broker: BrokerSpec
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    tf: fc.constantFrom(1, 5, 60),
    // Bars to the next bar (1 = contiguous), moves of the close (0 = flat), open gaps.
    steps: fc.array(fc.oneof({weight: 5, arbitrary: fc.constant(1)}, {weight: 1, arbitrary: fc.integer({min: 2, max: 300})}), {minLength: 40, maxLength: 260, size: 'max'}),
    moves: fc.array(fc.oneof({weight: 1, arbitrary: fc.constant(0)}, {weight: 3, arbitrary: fc.double({min: -0.03, max: 0.03, noNaN: true})}), {minLength: 260, maxLength: 260}),
    gapMoves: fc.array(fc.oneof(fc.constant(0), fc.double({min: -0.02, max: 0.02, noNaN: true})), {minLength: 260, maxLength: 260}),
    tick: fc.constantFrom(0, 0.01, 0.25),
    sleepBars: fc.constantFrom(1, 1, 1, 0.5, 1.5, 2, 3),
    sessions: fc.option(fc.array(fc.record({gap: fc.integer({min: 0, max: 600}), length: fc.integer({min: 30, max: 900})}), {minLength: 1, maxLength: 40, size: 'max'}), {freq: 3}),
    fast: fc.integer({min: 1, max: 8}),
    slowExtra: fc.integer({min: 1, max: 12}),
    sizing: fc.oneof(
      fc.record({quantity: fc.oneof(fc.integer({min: 1, max: 50}), fc.double({min: 0.001, max: 40, noNaN: true}))}),
      fc.record({percent: fc.double({min: 1, max: 100, noNaN: true})}),
      fc.constant({} as Record<string, never>),
    ),
    cash: fc.oneof({weight: 3, arbitrary: fc.constant(100_000)}, {weight: 1, arbitrary: fc.double({min: 50, max: 5000, noNaN: true})}),
    perShare: fc.oneof(fc.constant(0), fc.double({min: 0, max: 0.05, noNaN: true})),
    percent: fc.oneof(fc.constant(0), fc.double({min: 0, max: 0.5, noNaN: true})),
    fixed: fc.oneof(fc.constant(0), fc.double({min: 0, max: 2, noNaN: true})),
    minimum: fc.oneof(fc.constant(0), fc.double({min: 0, max: 5, noNaN: true})),
    slippageBps: fc.oneof(fc.constant(0), fc.double({min: 0, max: 30, noNaN: true})),
    multiplier: fc.option(fc.constantFrom(2, 10, 0.5), {freq: 4}),
    // A tick size rounds only limit and stop prices: market orders are untouched.
    tickSize: fc.option(fc.constantFrom(0.01, 0.25), {freq: 4}),
  })
  .map((r) => ({
    tf: r.tf, steps: r.steps, moves: r.moves, gapMoves: r.gapMoves, tick: r.tick, sleepBars: r.sleepBars, sessions: r.sessions,
    fast: r.fast, slow: r.fast + r.slowExtra, sizing: r.sizing,
    broker: {
      cash: r.cash, commission: {perShare: r.perShare, percent: r.percent, fixed: r.fixed, minimum: r.minimum}, slippageBps: r.slippageBps,
      allowShort: false, fillPrice: 'next_open' as const, ...(r.multiplier === null && r.tickSize === null ? {} : {instruments: {X: {...(r.multiplier === null ? {} : {multiplier: r.multiplier}), ...(r.tickSize === null ? {} : {tickSize: r.tickSize})}}}),
    },
  }))

function barsOf(c: Case): Bars {
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

function calendarOf(c: Case): MarketCalendar {
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

describe('sweep vector path: sma-cross', () => {
  it('gives what the engine gives, figure for figure, for random bars and settings', async () => {
    let vectorCases = 0
    let tradeCount = 0
    let rejections = 0
    let totalBars = 0
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const bars = barsOf(c)
        const calendar = calendarOf(c)
        const spec = {symbols: ['X'], timeframeMs: c.tf * MIN, sleeptimeMs: c.sleepBars * c.tf * MIN, broker: c.broker, market: '24/7' as const}
        const params = {fast: c.fast, slow: c.slow, ...c.sizing}
        const engine = await runBacktest({spec, bars, definition: smaCross as unknown as StrategyDefinition, params, calendar})
        const schedule = await iterationSchedule(spec, bars, calendar)
        if (scheduleProblem(schedule) !== undefined) return // the engine's case, not the vector path's
        vectorCases++
        totalBars += bars.length
        const n = bars.length
        const limbs = smaLimbs(bars.close, n) // as the sweep's workers compute the series
        const v = simulateSmaCross({
          bars, symbol: 'X', timeframeMs: spec.timeframeMs, schedule, fast: smaSeries(bars.close, n, c.fast, undefined, limbs), slow: smaSeries(bars.close, n, c.slow, undefined, limbs), params, broker: c.broker,
        })
        const fills = fillObjects(v.fillLog, 'X')
        assert.deepStrictEqual(fills, engine.fills)
        const trades = tradeObjects(v.tradeLog, 'X')
        assert.deepStrictEqual(trades, engine.trades)
        assert.deepStrictEqual(v.equity.value, engine.equity.value)
        assert.equal(v.equity.time, engine.equity.time)
        assert.deepStrictEqual(v.counts, engine.counts)
        assert.deepStrictEqual(v.positions, engine.positions)
        for (const k of ['start', 'end', 'initialCash', 'finalCash', 'finalValue'] as const) assert.ok(Object.is(v[k], engine[k]), `${k}: ${v[k]} vs ${engine[k]}`)
        tradeCount += trades.length
        rejections += v.counts.rejected

        const settings = {riskFreeRate: 0.02, periodsPerYear: 525_600 / c.tf, annualisation: 'test', timezone: 'America/New_York'}
        const benchmark = benchmarkPart(c.broker.cash, bars.time, buyAndHoldEquity([bars], bars.time, c.broker.cash), settings)
        const expected = computeMetrics({result: engine, bars: [bars], settings, benchmarkMetrics: benchmark})
        const actual = runMetrics(metricsPlan(bars.time, settings, benchmark), v)
        assert.deepStrictEqual(actual, expected)
        assert.equal(JSON.stringify(actual), JSON.stringify(expected))
        // The sweep's vector worker uses the one-pass metrics; computeMetrics over the vector result agrees too.
        assert.deepStrictEqual(computeMetrics({result: {...v, fills, trades}, bars: [bars], settings, benchmarkMetrics: benchmark}), expected)
      }),
      {numRuns: 500},
    )
    // The generator must exercise the vector path, trading and refusals, not skip past them.
    assert.ok(vectorCases > 400, `only ${vectorCases} cases on the vector path`)
    assert.ok(tradeCount > 300, `only ${tradeCount} trades (${totalBars} bars)`)
    assert.ok(rejections > 0, 'no order was refused for cash')
  })
})
