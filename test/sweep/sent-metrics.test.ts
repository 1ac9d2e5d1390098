/**
 * A sweep worker writes the text of each run's metrics (sweep/sent-metrics.ts) and the results
 * store records it as it is. It must be the text the main thread made when the workers sent the
 * metrics object: JSON.stringify of its structured clone, with the sweep's buy-and-hold monthly
 * table left out (results/record-run.ts), byte for byte, for the vector path's metrics and the
 * engine's, in a sweep of several runs (the table shared) and of one (the table kept). Real
 * DuckDB files; the runs are read back as `runs show --json` reads them.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {createCalendar} from '../../src/calendar/index.js'
import {closeStore, openStore, type Store} from '../../src/data/store.js'
import {runBacktest} from '../../src/engine/run-backtest.js'
import {benchmarkPart, buyAndHoldEquity, computeMetrics, type Metrics} from '../../src/metrics/metrics.js'
import type {StrategyDefinition} from '../../src/model/strategy.js'
import {getRun} from '../../src/results/read-runs.js'
import {barsHash, specHash} from '../../src/results/hash.js'
import {recordRuns, type RunToRecord} from '../../src/results/record-run.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import {sentMetrics, type SentMetrics} from '../../src/sweep/sent-metrics.js'
import {alwaysOpenSchedule} from '../../src/sweep/vector/schedule.js'
import {smaPeriods, vectorInit, vectorWorker} from '../../src/sweep/vector/vector-jobs.js'
import smaCross from '../../strategies/sma-cross.js'
import {tempDir} from '../helpers/tmp.js'

const D = 86_400_000
// Three years of daily bars (24/7): monthly tables of 36 rows.
const rows = Array.from({length: 1100}, (_, i) => {
  const c = 100 + 10 * Math.sin(i / 37) + 3 * Math.sin(i / 5.3) + i / 50
  return {time: Date.UTC(2020, 0, 1) + i * D, open: c - 0.1, high: c + 1, low: c - 1, close: c}
})
const bars = barsFromRows('X', D, rows)
const spec = toBotSpec({
  name: 's', strategy: {name: 'sma-cross', params: {fast: 3, slow: 20}}, symbols: ['X'], timeframe: '1D', market: '24/7',
  broker: {cash: 10_000, commission: {percent: 0.1}, slippage_bps: 3},
}, '/somewhere/s.yaml')
const settings = {riskFreeRate: 0.02, periodsPerYear: 365, annualisation: 'test', timezone: 'UTC'}
const benchmark = benchmarkPart(10_000, bars.time, buyAndHoldEquity([bars], bars.time, 10_000), settings)
// The last never trades (its figures NaN, null in the text).
const params = [{fast: 3, slow: 20, quantity: 5}, {fast: 5, slow: 20, percent: 50}, {fast: 3, slow: 40, quantity: 5}, {fast: 8, slow: 40, quantity: 1}, {fast: 2, slow: 1099, quantity: 1}]

/** What the main thread recorded when the workers sent whole metrics objects: their structured clones. */
const asObjects = (all: Metrics[], sweepId: number) => all.map((m, k) => record(structuredClone(m), k, sweepId))
/** What it records now: the workers' text, with the sweep's table where they left it out (run-sweep.ts). */
const asText = (all: SentMetrics[], sweepId: number) => all.map((m, k) => record({period: m.period, text: m.text, monthlyBenchmark: m.sharedBenchmark ? structuredClone(benchmark.monthly) : undefined}, k, sweepId))

function record(metrics: RunToRecord['metrics'], k: number, sweepId: number): RunToRecord {
  const runSpec = {...spec, strategy: {...spec.strategy, params: params[k]}}
  return {createdMs: 0, spec: runSpec, specHash: specHash(runSpec), barsHash: barsHash([bars]), strategy: 'sma-cross', params: params[k], metrics, trades: [], sweepId}
}

async function recordedTexts(store: Store, ids: number[]): Promise<Array<{stored: string; shown: string}>> {
  const out = []
  for (const id of ids) {
    const stored = String((await store.conn.runAndReadAll('SELECT metrics FROM runs WHERE id = $1', [id])).getRowObjectsJS()[0].metrics)
    out.push({stored, shown: (await getRun(store.conn, id)).metricsJson})
  }
  return out
}

describe('the metrics text a sweep worker sends', () => {
  it('is recorded and read back byte for byte as the main thread wrote the metrics object, vector and engine paths, shared table or not', async () => {
    const vector = vectorInit(smaPeriods(params), bars.length, alwaysOpenSchedule(bars, D, D))
    const w = vectorWorker({spec, bars: [bars], settings, benchmark, vector})
    w.warm()
    const fromVector = w.run(params.map((p, index) => ({index, params: {...p}}))).map(({message: m}) => {
      assert.ok(m.kind === 'result')
      return m.metrics
    })
    const objects: Metrics[] = []
    for (const p of params) {
      const engine = await runBacktest({spec, bars: [bars], definition: smaCross as unknown as StrategyDefinition, params: p, calendar: createCalendar('24/7')})
      objects.push(computeMetrics({result: engine, bars: [bars], settings, benchmarkMetrics: benchmark}))
    }
    assert.ok(objects.slice(0, -1).every((m) => m.strategy.trades > 2), 'the runs trade')
    assert.equal(objects.at(-1)!.strategy.trades, 0)
    assert.ok(Number.isNaN(objects.at(-1)!.strategy.sharpe))
    assert.ok(benchmark.monthly.length >= 36, `${benchmark.monthly.length} months`)
    const fromEngine = objects.map((m) => sentMetrics(m, settings, benchmark))
    assert.ok([...fromVector, ...fromEngine].every((m) => m.sharedBenchmark && !m.text.includes('"benchmark":[')))

    const store = await openStore({path: path.join(tempDir(), 'sent.duckdb')})
    try {
      // Sweeps 1-3 of five runs: the main thread's objects, the vector workers' text, the engine workers' text.
      // Sweeps 4-5 of one run (nothing shared: the text restored whole): objects, then text.
      const ids = await recordRuns(store, [
        ...asObjects(objects, 1), ...asText(fromVector, 2), ...asText(fromEngine, 3),
        ...asObjects(objects.slice(0, 1), 4), ...asText(fromVector.slice(0, 1), 5),
      ])
      const texts = await recordedTexts(store, ids)
      const sweep = (s: number) => texts.slice((s - 1) * params.length, s * params.length)
      assert.deepEqual(sweep(2), sweep(1))
      assert.deepEqual(sweep(3), sweep(1))
      assert.deepEqual(texts[3 * params.length + 1], texts[3 * params.length])
      for (const [k, m] of objects.entries()) assert.equal(sweep(1)[k].shown, JSON.stringify(m), `run ${k}`)
      assert.equal(texts[3 * params.length].stored, JSON.stringify(objects[0]))
      const shared = (await store.conn.runAndReadAll('SELECT sweep_id::INTEGER AS sweep, monthly FROM sweep_benchmarks ORDER BY sweep_id')).getRowObjectsJS()
      assert.deepEqual(shared, [1, 2, 3].map((sweep) => ({sweep, monthly: JSON.stringify(benchmark.monthly)})))
    } finally {
      await closeStore(store)
    }
  })

  it('keeps a table it cannot leave out exactly, and refuses figures that are not the sweep\'s', () => {
    const m = computeMetrics({result: {initialCash: 10_000, equity: {time: bars.time, value: buyAndHoldEquity([bars], bars.time, 9_000)}, trades: [], fills: [], positions: [], start: bars.time[0], end: bars.time[bars.length - 1] + D}, bars: [bars], settings, benchmarkMetrics: benchmark})
    const other = {...m, monthly: {strategy: m.monthly.strategy, benchmark: m.monthly.strategy}}
    assert.deepEqual(sentMetrics(other, settings, benchmark), {strategy: m.strategy, period: m.period, text: JSON.stringify(other), sharedBenchmark: false})
    assert.throws(() => sentMetrics({...m, settings: {...settings}}, settings, benchmark), /bug:/)
  })
})
