/**
 * A sweep's buy-and-hold monthly table is recorded once (sweep_benchmarks), not in every run's
 * metrics, and every run reads back as it was written: its metrics object and its text byte for
 * byte (what `--json` wrote). Real DuckDB files.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {closeStore, openStore, type Store} from '../../src/data/store.js'
import {computeMetrics, type Metrics} from '../../src/metrics/metrics.js'
import {getRun, listRuns} from '../../src/results/read-runs.js'
import {barsHash, specHash} from '../../src/results/hash.js'
import {recordRuns, type RunToRecord} from '../../src/results/record-run.js'
import {restoreSharedBenchmark, withoutSharedBenchmark} from '../../src/results/shared-benchmark.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import {tempDir} from '../helpers/tmp.js'

const D = 86_400_000
const spec = toBotSpec({name: 'r', strategy: {name: 'sma-cross', params: {fast: 2, slow: 3}}, symbols: ['A'], timeframe: '1D'}, '/somewhere/r.yaml')
// Four months of daily bars: monthly tables of several rows, one month's return NaN-free.
const days = 120
const bars = barsFromRows('A', D, Array.from({length: days}, (_, i) => ({time: i * D, open: 10 + i / 10, high: 11 + i / 10, low: 9, close: 10 + (i % 7) / 3})))

/** A run whose curve grows by `drift` a day, with buy-and-hold `benchmark` (the same array for every run of a sweep). */
function run(drift: number, sweepId: number | undefined, benchmark: Float64Array): RunToRecord {
  const value = Float64Array.from({length: days}, (_, i) => 100 + drift * i)
  const metrics = computeMetrics({
    result: {initialCash: 100, equity: {time: bars.time, value}, trades: [], fills: [], positions: [], start: 0, end: days * D},
    bars: [bars],
    settings: {riskFreeRate: 0, periodsPerYear: 365, annualisation: 'test', timezone: 'UTC'},
    benchmark,
  })
  return {createdMs: 0, spec, specHash: specHash(spec), barsHash: barsHash([bars]), strategy: 'sma-cross', params: {drift}, metrics, trades: [], sweepId}
}

const curve = (step: number) => Float64Array.from({length: days}, (_, i) => 100 + step * Math.sin(i / 9))

async function storedText(store: Store, id: number): Promise<string> {
  return String((await store.conn.runAndReadAll('SELECT metrics FROM runs WHERE id = $1', [id])).getRowObjectsJS()[0].metrics)
}

describe('a sweep\'s shared buy-and-hold monthly table', () => {
  it('is left out of the text and restored byte for byte', () => {
    const m = run(0.5, 1, curve(3)).metrics
    assert.ok(m.monthly.benchmark.length >= 4, `${m.monthly.benchmark.length} months`)
    const text = withoutSharedBenchmark(m)!
    assert.ok(!text.includes('"benchmark":['), text)
    assert.equal(restoreSharedBenchmark(text, JSON.stringify(m.monthly.benchmark)), JSON.stringify(m))
  })

  it('is kept in the text when the restore could not be exact (keys in another order)', () => {
    const m = run(0.5, 1, curve(3)).metrics
    const {monthly, ...rest} = m
    assert.equal(withoutSharedBenchmark({monthly, ...rest} as Metrics), undefined)
    assert.equal(withoutSharedBenchmark({...rest, monthly: {benchmark: monthly.benchmark, strategy: monthly.strategy}} as Metrics), undefined)
  })

  it('is recorded once for a sweep, and each run reads back what it wrote', async () => {
    const store = await openStore({path: path.join(tempDir(), 's.duckdb')})
    try {
      const shared = curve(3)
      const runs = [
        run(0.1, 4, shared),
        run(0.2, 4, shared),
        run(-0.1, 4, shared),
        // A run of the sweep with another benchmark (not one a sweep makes today): kept whole.
        run(0.3, 4, curve(5)),
        // A sweep of one run, and a run of no sweep: nothing to share.
        run(0.2, 9, shared),
        run(0.2, undefined, shared),
      ]
      const ids = await recordRuns(store, runs)
      const table = (await store.conn.runAndReadAll('SELECT sweep_id::INTEGER AS sweep, monthly FROM sweep_benchmarks ORDER BY sweep_id')).getRowObjectsJS()
      assert.deepEqual(table, [{sweep: 4, monthly: JSON.stringify(runs[0].metrics.monthly.benchmark)}])
      const kept = []
      for (const id of ids) kept.push((await storedText(store, id)).includes('"benchmark":['))
      assert.deepEqual(kept, [false, false, false, true, true, true])
      for (const [k, id] of ids.entries()) {
        const r = await getRun(store.conn, id)
        assert.equal(r.metricsJson, JSON.stringify(runs[k].metrics), `run ${k}`)
        assert.deepEqual(r.metrics, JSON.parse(JSON.stringify(runs[k].metrics)), `run ${k}`)
      }
      const listed = await listRuns(store.conn, {sweepId: 4})
      assert.deepEqual(listed.map((r) => r.metricsJson).reverse(), runs.slice(0, 4).map((r) => JSON.stringify(r.metrics)))
    } finally {
      await closeStore(store)
    }
  })
})
