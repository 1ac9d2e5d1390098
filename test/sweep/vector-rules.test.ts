/**
 * The sweep's vector evaluator of the `rules` strategy against the engine: for random bars
 * (gaps, flat stretches, tick-rounded prices), sessions, sleeptimes, broker settings and rules —
 * crossovers (long only, and long + short with reversals), RSI thresholds, Bollinger and MACD
 * outputs, past values and arithmetic, an indicator computed on another, time of day in a zone,
 * VWAP (which restarts each local day) and the stochastic (which reads the bars' fields),
 * every sizing type — the vector path's fills, trades, equity, counts, final figures and metrics
 * are the very doubles `runBacktest` and `computeMetrics` give (random-market.ts). The series are
 * computed as the sweep's workers compute them (rules-series.ts).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {runBacktest} from '../../src/engine/run-backtest.js'
import type {BrokerSpec} from '../../src/model/bot-spec.js'
import {planRules} from '../../src/rules/plan.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import type {RulesSpec} from '../../src/rules/rules-types.js'
import {scheduleProblem} from '../../src/sweep/vector/envelope.js'
import {simulateRules} from '../../src/sweep/vector/rules-sim.js'
import {barFieldSeries, computeIndicatorSeries, outputKeys, planDepth, seriesByKey} from '../../src/sweep/vector/rules-series.js'
import {iterationSchedule} from '../../src/sweep/vector/schedule.js'
import {assertSameAsEngine, barsOf, brokerArb, calendarOf, marketArb, MIN, type Market} from './random-market.js'

type Sizing = RulesSpec['sizing']

const sizingArb: fc.Arbitrary<Sizing> = fc.oneof(
  fc.record({type: fc.constant('quantity' as const), value: fc.oneof(fc.integer({min: 1, max: 50}), fc.double({min: 0.5, max: 40, noNaN: true}))}),
  fc.record({type: fc.constant('cash' as const), value: fc.double({min: 10, max: 20_000, noNaN: true})}),
  fc.record({type: fc.constant('percent_equity' as const), value: fc.double({min: 1, max: 120, noNaN: true})}),
  fc.record({type: fc.constant('equal_weight' as const), value: fc.double({min: 1, max: 100, noNaN: true}), positions: fc.integer({min: 1, max: 3})}),
  fc.record({type: fc.constant('volatility_target' as const), value: fc.double({min: 0.05, max: 2, noNaN: true}), lookback: fc.integer({min: 2, max: 12}), periods_per_year: fc.constantFrom(252, 100_000)}),
)

/** Rules of several shapes, each with random periods and thresholds. */
const rulesArb: fc.Arbitrary<RulesSpec> = fc.oneof(
  // Golden cross, long only, or long + short (a cross the other way reverses the position).
  fc.record({fast: fc.integer({min: 1, max: 8}), extra: fc.integer({min: 1, max: 12}), type: fc.constantFrom('sma', 'ema', 'wma'), source: fc.constantFrom('close', 'close', 'open', 'high', 'volume', 'hl2'), short: fc.boolean(), exits: fc.boolean()}).map((p) => ({
    indicators: {fast_ma: {type: p.type, period: p.fast}, slow_ma: {type: 'sma', period: p.fast + p.extra, source: p.source}},
    entry: {long: 'crosses_above(fast_ma, slow_ma)', ...(p.short ? {short: 'crosses_below(fast_ma, slow_ma)'} : {})},
    ...(p.exits ? {exit: {long: 'crosses_below(fast_ma, slow_ma)', ...(p.short ? {short: 'crosses_above(fast_ma, slow_ma)'} : {})}} : {}),
  } as RulesSpec)),
  // RSI thresholds on both sides.
  fc.record({period: fc.integer({min: 2, max: 14}), lo: fc.integer({min: 20, max: 50}), hi: fc.integer({min: 50, max: 80})}).map((p) => ({
    indicators: {rsi: {type: 'rsi', period: p.period}},
    entry: {long: `rsi < ${p.lo}`, short: `rsi > ${p.hi}`},
    exit: {long: `rsi > ${p.hi - 5}`, short: `rsi <= ${p.lo + 5}`},
  } as RulesSpec)),
  // Bands and MACD outputs, past values, not/or, arithmetic.
  fc.record({period: fc.integer({min: 2, max: 20}), k: fc.double({min: 0.5, max: 3, noNaN: true}), f: fc.integer({min: 2, max: 6}), s: fc.integer({min: 7, max: 15}), lag: fc.integer({min: 1, max: 4})}).map((p) => ({
    indicators: {bb: {type: 'bbands', period: p.period, stddev: p.k}, m: {type: 'macd', fast: p.f, slow: p.s, signal: 3}},
    entry: {long: `close < bb.lower or (m.histogram > m.histogram[${p.lag}] and close > close[${p.lag}])`, short: 'close > bb.upper and not (m > 0)'},
    exit: {long: 'close > bb.middle or crosses_below(m, m.signal)', short: `crosses_above(m, m.signal) or close < min(open[1], hl2[${p.lag}]) - abs(close - open) / 2`},
  } as RulesSpec)),
  // An indicator of an indicator, a cross of a constant, the hour in a zone.
  fc.record({period: fc.integer({min: 2, max: 8}), smooth: fc.integer({min: 1, max: 5}), hour: fc.integer({min: 0, max: 23}), zone: fc.constantFrom(undefined, 'America/New_York')}).map((p) => ({
    indicators: {r: {type: 'rsi', period: p.period}, rs: {type: 'sma', period: p.smooth, source: 'r'}, hh: {type: 'highest', period: p.period, source: 'high'}, vw: {type: 'vwap'}, st: {type: 'stoch', period: p.period}},
    entry: {long: `crosses_above(rs, 50) and hour >= ${p.hour}`, short: 'crosses_below(rs, 45) and volume > 0'},
    exit: {long: 'close >= hh[1] or time_between("23:00", "01:00")', short: 'ohlc4 < hlc3 - 1 or (close > vw and st.d > 70)'},
    ...(p.zone ? {timezone: p.zone} : {}),
  } as RulesSpec)),
)

interface Case extends Market {
  rules: RulesSpec
  broker: BrokerSpec
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({market: marketArb, rules: rulesArb, sizing: sizingArb, broker: brokerArb(fc.boolean())})
  .map((r) => ({...r.market, rules: {...r.rules, sizing: r.sizing}, broker: r.broker}))

describe('sweep vector path: rules', () => {
  it('gives what the engine gives, figure for figure, for random bars, rules and settings', async () => {
    let vectorCases = 0
    let trades = 0
    let reversals = 0
    let rejections = 0
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const bars = barsOf(c)
        const calendar = calendarOf(c)
        const spec = {symbols: ['X'], timeframeMs: c.tf * MIN, sleeptimeMs: c.sleepBars * c.tf * MIN, broker: c.broker, market: '24/7' as const}
        const engine = await runBacktest({spec, bars, definition: rulesStrategy(), params: c.rules as unknown as Record<string, unknown>, calendar})
        const schedule = await iterationSchedule(spec, bars, calendar)
        if (scheduleProblem(schedule) !== undefined) return // the engine's case, not the vector path's
        vectorCases++
        const plan = planRules(c.rules).plan!
        const timeZone = plan.timezone ?? calendar.timezone
        const pad = planDepth(plan)
        const computed = new Map<string, Float64Array[]>()
        const limbs = new Map() // as the sweep's workers compute the series: SMAs of closes by sma-series.ts
        const series = seriesByKey(plan, timeZone, (key) => barFieldSeries(bars, key, pad), (id, name) => {
          let out = computed.get(id)
          if (out === undefined) {
            out = outputKeys(plan, name).map(() => new Float64Array(pad + bars.length))
            computeIndicatorSeries(plan, name, bars, timeZone, pad, out, limbs)
            computed.set(id, out)
          }
          return out
        })
        const v = simulateRules({bars, symbol: 'X', broker: c.broker, timeframeMs: spec.timeframeMs, schedule, plan, series, pad, timeZone})
        assertSameAsEngine(v, engine, bars, c.broker.cash, c.tf)
        trades += v.counts.trades
        rejections += v.counts.rejected
        for (let k = 1; k < v.fillLog.count; k++) if (v.fillLog.bar[k] === v.fillLog.bar[k - 1]) reversals++
      }),
      {numRuns: 400},
    )
    // The generator must exercise the vector path, trading, reversals and refusals, not skip past them.
    // Over 70 seeds: trades mean ~452, sd ~41, min 377 (200 sat 6 sd below the mean, 100 is 8.5);
    // reversals mean ~116, sd ~27, min 67 (20 sat under 4 sd below), from ~36 cases with a reversal
    // (40 seeds, min 26), so 3 or fewer reversals needs 3 or fewer such cases: ~1e-12 by chance.
    assert.ok(vectorCases > 300, `only ${vectorCases} cases on the vector path`)
    assert.ok(trades > 100, `only ${trades} trades`)
    assert.ok(reversals > 3, `only ${reversals} reversals`)
    assert.ok(rejections > 0, 'no order was refused')
  })
})
