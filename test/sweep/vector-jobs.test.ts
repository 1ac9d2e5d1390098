/**
 * A vector worker's jobs (sma-cross, rules): the same result whether the series are shared
 * (computed once into shared memory) or, past the memory budget, computed by the worker itself;
 * and the same metrics as computeMetrics over the engine's run. Jobs given together run in pairs
 * (two curves, one returns loop): the results must be those of the jobs run one by one.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {benchmarkPart, buyAndHoldEquity, computeMetrics} from '../../src/metrics/metrics.js'
import type {BotSpec} from '../../src/model/bot-spec.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {alwaysOpenSchedule} from '../../src/sweep/vector/schedule.js'
import {smaPeriods, vectorInit, vectorWorker} from '../../src/sweep/vector/vector-jobs.js'
import {sentMetrics} from '../../src/sweep/sent-metrics.js'
import smaCross from '../../strategies/sma-cross.js'
import {rulesResolver} from '../../src/rules/rules-definition.js'
import {rulesStrategy} from '../../src/rules/rules-strategy.js'
import {planCombinations, rulesJobs, rulesVectorInit} from '../../src/sweep/vector/rules-jobs.js'

const MIN = 60_000
const rows = Array.from({length: 3000}, (_, i) => {
  const c = 100 + 10 * Math.sin(i / 37) + 3 * Math.sin(i / 5.3)
  return {time: Date.UTC(2024, 0, 1) + i * MIN, open: c - 0.1, high: c + 1, low: c - 1, close: c}
})
const bars = barsFromRows('X', MIN, rows)
const spec = {
  symbols: ['X'], timeframeMs: MIN, sleeptimeMs: MIN, market: '24/7',
  broker: {cash: 10_000, commission: {perShare: 0, percent: 0.1, fixed: 0, minimum: 1}, slippageBps: 3, allowShort: false, fillPrice: 'next_open'},
} as unknown as BotSpec
const settings = {riskFreeRate: 0, periodsPerYear: 525_600, annualisation: 'test', timezone: 'UTC'}
const benchmark = benchmarkPart(10_000, bars.time, buyAndHoldEquity([bars], bars.time, 10_000), settings)
const params = [{fast: 3, slow: 20, quantity: 5}, {fast: 5, slow: 20, percent: 50}, {fast: 3, slow: 40, quantity: 5}, {fast: 8, slow: 40, quantity: 1}]

/** The jobs in these batches (each batch one `run` call: pairs, and a single when one is left). */
function inBatches<P>(w: ReturnType<typeof vectorWorker>, all: P[], sizes: number[]) {
  const out = []
  let from = 0
  for (const size of sizes) {
    out.push(...w.run(all.slice(from, from + size).map((p, k) => ({index: from + k, params: {...p} as Record<string, unknown>}))).map((r) => r.message))
    from += size
  }
  assert.equal(from, all.length)
  return out
}

function runAll(budget: number, sizes: number[]) {
  const vector = vectorInit(smaPeriods(params), bars.length, alwaysOpenSchedule(bars, MIN, MIN), budget)
  const w = vectorWorker({spec, bars: [bars], settings, benchmark, vector})
  w.warm()
  return {shared: vector.series !== null, results: inBatches(w, params, sizes), worker: w}
}

describe('vectorWorker', () => {
  it('gives the same results with shared series and, past the budget, its own; each run\'s curve made again after all of them', async () => {
    const shared = runAll(512 * 2 ** 20, [4]) // two pairs
    const local = runAll(0, [1, 1, 1, 1])
    assert.equal(shared.shared, true)
    assert.equal(local.shared, false)
    assert.deepStrictEqual(local.results, shared.results)
    for (const [i, p] of params.entries()) {
      const engine = await runBacktest({spec, bars, definition: smaCross as unknown as StrategyDefinition, params: p, calendar: createCalendar('24/7')})
      const m = shared.results[i]
      assert.ok(m.kind === 'result')
      assert.deepStrictEqual(m.metrics, sentMetrics(computeMetrics({result: engine, bars: [bars], settings, benchmarkMetrics: benchmark}), settings, benchmark))
      assert.deepStrictEqual(m.counts, engine.counts)
      assert.equal(m.equity.length, 0) // curves are made again when the sweep's top N are known
      // Simulated again after every other run (the worker's buffers reused in between): the engine's curve.
      for (const w of [shared.worker, local.worker]) assert.deepStrictEqual(w.curve(i), engine.equity.value)
    }
    assert.equal(shared.worker.curve(params.length), undefined) // a run it never made
  })

  it('runs rules combinations from indicators computed once (shared or its own), as the engine runs them', async () => {
    const rules = (fast: number, slow: number, sizing: Record<string, unknown>) => ({
      indicators: {f: {type: 'ema', period: fast}, s: {type: 'sma', period: slow}, r: {type: 'rsi', period: 9}},
      entry: {long: 'crosses_above(f, s) and r > 20', short: 'crosses_below(f, s)'},
      exit: {long: 'r > 75'},
      sizing,
    })
    const combos = [rules(3, 20, {type: 'quantity', value: 5}), rules(5, 20, {type: 'percent_equity', value: 50}), rules(3, 40, {type: 'cash', value: 2000}), rules(8, 40, {type: 'quantity', value: 1})]
    const definition = rulesStrategy()
    const shorts = {...spec, broker: {...spec.broker, allowShort: true}}
    const planned = planCombinations(rulesResolver(definition)!, combos)!
    const runAllRules = (budget: number, sizes: number[]) => {
      const vector = rulesVectorInit(planned.resolved, planned.plans, bars.length, 'UTC', alwaysOpenSchedule(bars, MIN, MIN), budget)
      const ctx = {spec: shorts, bars: [bars], settings, benchmark, vector}
      const w = vectorWorker(ctx, rulesJobs(ctx, vector))
      w.warm()
      return {vector, results: inBatches(w, combos, sizes), worker: w}
    }
    const shared = runAllRules(512 * 2 ** 20, [3, 1]) // a pair and a single, then a single
    const local = runAllRules(0, [1, 1, 1, 1])
    assert.notEqual(shared.vector.series, null)
    assert.equal(local.vector.series, null)
    // f(3), f(5), f(8), s(20), s(40), r(9): the RSI and the SMAs shared across combinations.
    assert.equal(shared.vector.indicators.length, 6)
    assert.deepStrictEqual(local.results, shared.results)
    for (const [i, p] of combos.entries()) {
      const engine = await runBacktest({spec: shorts, bars, definition, params: p, calendar: createCalendar('24/7')})
      const m = shared.results[i]
      assert.ok(m.kind === 'result')
      assert.deepStrictEqual(m.metrics, sentMetrics(computeMetrics({result: engine, bars: [bars], settings, benchmarkMetrics: benchmark}), settings, benchmark))
      assert.deepStrictEqual(m.counts, engine.counts)
      assert.ok(engine.counts.trades > 3 && engine.counts.fills > engine.counts.trades, JSON.stringify(engine.counts))
      for (const w of [shared.worker, local.worker]) assert.deepStrictEqual(w.curve(i), engine.equity.value)
    }
  })
})
