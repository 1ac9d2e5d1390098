/** Recording runs (real DuckDB files): one transaction per call, hashes that see what matters. */
import assert from 'node:assert/strict'
import {existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {barsFromRows} from '../../src/core/bars.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {computeMetrics} from '../../src/metrics/metrics.js'
import {getEquity, getRun, getTrades, listRuns} from '../../src/results/read-runs.js'
import {barsHash, canonicalJson, SPEC_HASH_IGNORES, specHash} from '../../src/results/hash.js'
import {recordRuns, stageRuns, type RunToRecord} from '../../src/results/record-run.js'
import {toBotSpec} from '../../src/spec/bot-spec.js'
import type {Trade} from '../../src/model/trade.js'
import {tempDir} from '../helpers/tmp.js'

const D = 86_400_000
const spec = toBotSpec({name: 'r', strategy: {name: 'sma-cross', params: {fast: 2, slow: 3}}, symbols: ['A'], timeframe: '1D'}, '/somewhere/r.yaml')
const bars = barsFromRows('A', D, [{time: 0, open: 10, high: 11, low: 9, close: 10}, {time: D, open: 10, high: 12, low: 10, close: 12}])
const trade: Trade = {symbol: 'A', side: 'long', quantity: 1, entryTime: 0, entryPrice: 10, exitTime: D, exitPrice: 12, commission: 0.5, grossPnl: 2, netPnl: 1.5}

function run(trades: Trade[] = [trade]): RunToRecord {
  const equity = {time: bars.time, value: Float64Array.of(100, 101.5), benchmark: Float64Array.of(100, 120)}
  const metrics = computeMetrics({result: {initialCash: 100, equity, trades, fills: [], positions: [], start: 0, end: 2 * D}, bars: [bars], settings: {riskFreeRate: 0, periodsPerYear: 365, annualisation: 'test', timezone: 'UTC'}})
  return {createdMs: 1_700_000_000_000, spec, specHash: specHash(spec), barsHash: barsHash([bars]), strategy: 'sma-cross', params: spec.strategy.params, metrics, trades, equity}
}

describe('recordRuns', () => {
  it('writes a run, its trades and its equity, and reads them back exactly', async () => {
    const store = await openStore({path: path.join(tempDir(), 'a.duckdb')})
    try {
      const [id] = await recordRuns(store, [run()])
      const r = await getRun(store.conn, id)
      assert.equal(r.created, '2023-11-14T22:13:20.000')
      assert.equal(r.specFile, '/somewhere/r.yaml')
      assert.deepEqual(r.metrics, JSON.parse(JSON.stringify(run().metrics)))
      assert.deepEqual(await getTrades(store.conn, id), [trade])
      const e = await getEquity(store.conn, id)
      assert.deepEqual([Array.from(e.time), Array.from(e.value), Array.from(e.benchmark)], [[0, D], [100, 101.5], [100, 120]])
    } finally {
      await closeStore(store)
    }
  })

  it('many runs in one call (a sweep): ids rise in their order, each keeps its own row, trades and curve', async () => {
    const store = await openStore({path: path.join(tempDir(), 'm.duckdb')})
    try {
      const second: Trade = {...trade, side: 'short', quantity: 3, netPnl: -2}
      const noCurve = {...run([]), equity: undefined, sweepId: 7, spec: {...spec, file: undefined}}
      // No bar in its period: start and end are NaN in its metrics, NULL in the table.
      noCurve.metrics = {...noCurve.metrics, period: {start: NaN, end: NaN, bars: 0}}
      const daily = {...run([trade, second]), sweepId: 7}
      daily.equity = {...daily.equity!, resolution: 'daily'}
      const [a, b, c] = await recordRuns(store, [run(), noCurve, daily])
      assert.ok(a < b && b < c, `${a} < ${b} < ${c}`)
      const rows = []
      for (const id of [a, b, c]) rows.push(await getRun(store.conn, id)) // one connection: one query at a time
      assert.deepEqual(rows.map((r) => [r.specFile, r.sweepId, r.equityStored, r.equityResolution, r.start, r.end, r.bars]), [
        ['/somewhere/r.yaml', null, true, 'full', 0, 2 * D, 2],
        [null, 7, false, 'none', null, null, 0],
        ['/somewhere/r.yaml', 7, true, 'daily', 0, 2 * D, 2],
      ])
      assert.deepEqual(await getTrades(store.conn, a), [trade])
      assert.deepEqual(await getTrades(store.conn, b), [])
      assert.deepEqual(await getTrades(store.conn, c), [trade, second])
      const curves = []
      for (const id of [a, c]) curves.push(Array.from((await getEquity(store.conn, id)).value))
      assert.deepEqual(curves, [[100, 101.5], [100, 101.5]])
      const stored = (await store.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM run_equity WHERE run_id = $1', [b])).getRowObjectsJS()[0].n
      assert.equal(stored, 0)
    } finally {
      await closeStore(store)
    }
  })

  it('is all or nothing: a run that fails to write takes the whole call back', async () => {
    const store = await openStore({path: path.join(tempDir(), 'b.duckdb')})
    try {
      const broken = run([{...trade, entryTime: NaN}]) // no TIMESTAMP for NaN: the append throws
      await assert.rejects(recordRuns(store, [run(), broken]))
      assert.equal((await listRuns(store.conn)).length, 0)
      const n = (await store.conn.runAndReadAll('SELECT (SELECT count(*) FROM run_trades) + (SELECT count(*) FROM run_equity) AS n')).getRowObjectsJS()[0].n
      assert.equal(Number(n), 0)
    } finally {
      await closeStore(store)
    }
  })
})

describe('stageRuns', () => {
  it('nothing is visible before commit(); commit() writes the run into the file itself, not into the WAL (the checkpoint is part of the commit)', async () => {
    const file = path.join(tempDir(), 'c.duckdb')
    const store = await openStore({path: file})
    try {
      const {ids, commit} = await stageRuns(store, [run()])
      const other = await store.connect()
      assert.equal((await listRuns(other)).length, 0)
      await commit()
      assert.deepEqual((await listRuns(other)).map((r) => r.id), ids)
      other.closeSync()
      const wal = `${file}.wal`
      assert.ok(!existsSync(wal) || statSync(wal).size === 0, 'the committed run is still in the WAL')
    } finally {
      await closeStore(store)
    }
  })
})

describe('hashes', () => {
  it('the spec hash ignores key order, the file path, the description, the report\'s overlays and the backtest window; it sees what the bot does', () => {
    assert.equal(canonicalJson({b: 1, a: {d: [1, {f: 2, e: 3}], c: undefined}}), '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}')
    assert.deepEqual([...SPEC_HASH_IGNORES], ['file', 'description', 'backtest', 'report'])
    assert.match(specHash(spec), /^[0-9a-f]{64}$/)
    assert.equal(specHash({...spec, file: '/elsewhere.yaml'}), specHash(spec))
    assert.equal(specHash({...spec, description: 'prose'}), specHash(spec))
    assert.equal(specHash({...spec, backtest: {start: '2010-01-01', end: '2011-01-01'}}), specHash(spec))
    assert.equal(specHash({...spec, report: {overlay: ['fast']}}), specHash(spec))
    assert.notEqual(specHash({...spec, strategy: {...spec.strategy, params: {fast: 2, slow: 4}}}), specHash(spec))
    assert.notEqual(specHash({...spec, broker: {...spec.broker, cash: 5}}), specHash(spec))
    assert.notEqual(specHash({...spec, market: 'NYSE'}), specHash(spec))
    assert.notEqual(specHash({...spec, live: {...spec.live, feed: {...spec.live.feed, speed: 9}}}), specHash(spec))
  })

  it('the spec hash is of the typed spec: spelled-out defaults and key order in the YAML change nothing', () => {
    const spelled = toBotSpec({timeframe: '1D', symbols: ['A'], strategy: {params: {slow: 3, fast: 2}, name: 'sma-cross'}, name: 'r', market: '24/7', broker: {cash: 100_000, allow_short: true}, data: {source: 'store'}, kind: 'bot', version: 1}, '/somewhere/r.yaml')
    assert.equal(specHash(spelled), specHash(spec))
  })

  it('the bars hash changes with the last bit of one price, and with the symbol', () => {
    const h = barsHash([bars])
    const close = Float64Array.from(bars.close)
    close[1] = 12.000000000000002
    assert.notEqual(barsHash([{...bars, close}]), h)
    assert.notEqual(barsHash([{...bars, symbol: 'B'}]), h)
    assert.equal(barsHash([{...bars, close: Float64Array.from(bars.close)}]), h)
  })
})
