/** Parameter sweeps through the real CLI: combinations, invalid ones skipped, ranking, recording, parity with single runs. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = 'examples/orcl-sma-cross.yaml'
const WINDOW = ['--start', '2005-01-01', '--end', '2010-12-31']

describe('bots backtest --sweep (real CLI)', () => {
  const db = path.join(tempDir(), 'store.duckdb')
  let sweep: any

  before(async () => {
    const r = await runCli(['backtest', SPEC, '--db', db, ...WINDOW, '--sweep', 'fast=10..30:10', '--sweep', 'slow=20,40', '--top', '2', '--workers', '2', '--json'])
    assert.equal(r.code, 0, r.stderr)
    sweep = parseJson(r)
  })

  it('runs every valid combination and lists the invalid ones with the strategy\'s own message', () => {
    assert.equal(sweep.combinations, 6)
    assert.equal(sweep.valid, 4) // fast=20 slow=20, fast=30 slow=20 are invalid
    assert.deepEqual(sweep.skipped.map((s: any) => s.params), [{fast: 20, slow: 20}, {fast: 30, slow: 20}])
    assert.match(sweep.skipped[0].message, /fast \(20\) must be smaller than slow \(20\)/)
    assert.equal(sweep.workers, 2)
  })

  it('ranks by Sharpe, best first', () => {
    const sharpes = sweep.runs.map((r: any) => r.metrics.sharpe)
    assert.deepEqual([...sharpes].sort((a, b) => b - a), sharpes)
    assert.deepEqual(sweep.runs.map((r: any) => r.rank), [1, 2, 3, 4])
    // --top cuts the table only: --json lists every run and says the N it was given.
    assert.equal(sweep.top, 2)
  })

  it('records every run under one sweep id, equity only for the top N', async () => {
    const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
    const conn = await instance.connect()
    const rows = (await conn.runAndReadAll(`SELECT id::INTEGER AS id, sweep_id::INTEGER AS sweep, equity_stored, (SELECT count(*) FROM run_equity e WHERE e.run_id = runs.id)::INTEGER AS points,
      (SELECT count(*) FROM run_trades t WHERE t.run_id = runs.id)::INTEGER AS trades FROM runs ORDER BY id`)).getRowObjectsJS()
    conn.closeSync()
    instance.closeSync()
    assert.equal(rows.length, 4)
    assert.ok(rows.every((r) => r.sweep === sweep.sweepId))
    const top = new Set(sweep.runs.slice(0, 2).map((r: any) => r.runId))
    for (const r of rows) {
      assert.equal(r.equity_stored, top.has(r.id), `run ${r.id}`)
      assert.equal(Number(r.points) > 0, top.has(r.id))
      assert.equal(r.trades, sweep.runs.find((x: any) => x.runId === r.id).metrics.trades)
    }
    const list = parseJson(await runCli(['runs', 'list', '--db', db, '--sweep', String(sweep.sweepId), '--json']))
    assert.deepEqual([list.runs.length, list.total], [4, 4])
    // Cut by --limit, the listing says how many there are (found by an audit: 20 of 4,989, silently).
    const cut = await runCli(['runs', 'list', '--db', db, '--sweep', String(sweep.sweepId), '--limit', '3'])
    assert.match(cut.stdout, new RegExp(`\\n3 of 4 runs of sweep ${sweep.sweepId}, newest first; --limit 4 lists them all\\n?$`))
    // A sweep that is not there is said so, not "no runs recorded yet".
    const none = await runCli(['runs', 'list', '--db', db, '--sweep', String(sweep.sweepId + 100)])
    assert.equal(none.code, 1)
    assert.match(none.stderr, new RegExp(`error no runs of sweep ${sweep.sweepId + 100}\\n {2}hint: sweep ids go up to ${sweep.sweepId}`))
  })

  it('a sweep run has the same metrics as the single backtest with its params, and one worker gives the same as two', async () => {
    const best = sweep.runs[0]
    const single = parseJson(await runCli(['backtest', SPEC, '--db', db, ...WINDOW, '--no-record', '--json', '--param', `fast=${best.params.fast}`, '--param', `slow=${best.params.slow}`]))
    assert.deepEqual(best.metrics, single.metrics.strategy)
    const one = parseJson(await runCli(['backtest', SPEC, '--db', db, ...WINDOW, '--sweep', 'fast=10..30:10', '--sweep', 'slow=20,40', '--workers', '1', '--no-record', '--json']))
    assert.equal(one.workers, 1)
    assert.deepEqual(one.runs.map((r: any) => r.metrics), sweep.runs.map((r: any) => r.metrics))
  })

  it('the terminal table shows the top N and the skipped count', async () => {
    const r = await runCli(['backtest', SPEC, '--db', db, ...WINDOW, '--sweep', 'fast=10..30:10', '--sweep', 'slow=20,40', '--top', '3', '--no-record', '--rank-by', 'total_return'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /6 combinations of fast \(3\) × slow \(2\), 4 ran on \d worker/)
    assert.match(r.stdout, /2 skipped as invalid/)
    const rows = r.stdout.split('\n').filter((l) => /^\d\s+-\s+fast=/.test(l))
    assert.equal(rows.length, 3)
    const bad = await runCli(['backtest', SPEC, '--db', db, '--sweep', 'fast=50..5'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /--sweep fast=50\.\.5: the range ends/)
  })
})

describe('bots backtest --sweep over several symbols (real CLI)', () => {
  it('runs on the union of the symbols\' times: the same metrics as the single backtest', async () => {
    const db = path.join(tempDir(), 'multi.duckdb')
    const spec = 'examples/monthly-rebalance.yaml' // ORCL and IDX, whose trading days differ
    const sweep = parseJson(await runCli(['backtest', spec, '--db', db, '--sweep', 'weights={ORCL: 0.6}', '--workers', '1', '--no-record', '--json']))
    const single = parseJson(await runCli(['backtest', spec, '--db', db, '--param', 'weights={ORCL: 0.6}', '--no-record', '--json']))
    assert.equal(sweep.bars, single.counts.bars)
    assert.deepEqual(sweep.runs[0].metrics, single.metrics.strategy)
  })
})
