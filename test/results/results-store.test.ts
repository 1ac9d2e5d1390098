/**
 * The results store through the real CLI: every run recorded, reruns identical to the byte,
 * `bots runs list | show | compare`, `--out` files, and `--no-record` beside a store that cannot
 * be written (another process holds it).
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {specHash} from '../../src/results/hash.js'
import {checkSpecText} from '../../src/service/spec-check.js'
import {discoverStrategies} from '../../src/strategy/discover.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {holdStore, type LockHolder} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = 'examples/orcl-sma-cross.yaml'

async function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
  try {
    const conn = await instance.connect()
    const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS()
    conn.closeSync()
    return rows
  } finally {
    instance.closeSync()
  }
}

describe('results store (real CLI)', () => {
  const dir = tempDir()
  const db = path.join(dir, 'store.duckdb')
  const out = path.join(dir, 'out')
  let first: any
  let second: any

  before(async () => {
    // The rerun also writes --out files: they must not change what is recorded.
    for (const extra of [[], ['--out', out]]) {
      const r = await runCli(['backtest', SPEC, '--db', db, '--json', '--param', 'fast=12', '--end', '2012-12-31', ...extra])
      assert.equal(r.code, 0, r.stderr)
      if (extra.length === 0) first = parseJson(r)
      else second = parseJson(r)
    }
  })

  it('records every run by default: ids, spec and bars hashes, the same for a rerun', () => {
    assert.equal(first.runId, 1)
    assert.equal(second.runId, 2)
    assert.match(first.specHash, /^[0-9a-f]{64}$/)
    assert.match(first.barsHash, /^[0-9a-f]{64}$/)
    assert.equal(second.specHash, first.specHash)
    assert.equal(second.barsHash, first.barsHash)
  })

  it('a rerun stores byte-identical metrics, trades and equity', async () => {
    const runs = await query(db, 'SELECT id, metrics, params, spec_hash, bars_hash, spec FROM runs ORDER BY id')
    assert.equal(runs.length, 2)
    assert.equal(runs[1].metrics, runs[0].metrics)
    assert.equal(runs[1].spec, runs[0].spec)
    assert.equal(runs[0].params, '{"fast":12,"percent":90,"slow":30}')
    // Rows of run 1 missing from run 2, plus the difference in row counts: 0 when identical.
    const differ = async (table: string) =>
      Number((await query(db, `SELECT count(*)::INTEGER AS n FROM (SELECT * EXCLUDE (run_id) FROM ${table} WHERE run_id = 1 EXCEPT ALL SELECT * EXCLUDE (run_id) FROM ${table} WHERE run_id = 2)`))[0].n) +
      Math.abs(Number((await query(db, `SELECT (count(*) FILTER (WHERE run_id = 1) - count(*) FILTER (WHERE run_id = 2))::INTEGER AS d FROM ${table}`))[0].d))
    assert.equal(await differ('run_trades'), 0)
    assert.equal(await differ('run_equity'), 0)
    const counts = await query(db, `SELECT (SELECT count(*) FROM run_trades WHERE run_id = 1)::INTEGER AS trades, (SELECT count(*) FROM run_equity WHERE run_id = 1)::INTEGER AS equity`)
    assert.equal(counts[0].trades, first.trades.length)
    assert.equal(counts[0].equity, first.counts.bars)
  })

  it('runs show --json gives back what the backtest reported', async () => {
    const r = await runCli(['runs', 'show', '1', '--db', db, '--json', '--equity'])
    assert.equal(r.code, 0, r.stderr)
    const shown = parseJson(r)
    assert.deepEqual(shown.metrics, first.metrics)
    assert.deepEqual(shown.trades, first.trades)
    assert.deepEqual(shown.equity.value, first.equity.value)
    assert.deepEqual(shown.equity.time, first.equity.time)
    assert.equal(shown.specHash, first.specHash)
    const text = await runCli(['runs', 'show', '1', '--db', db])
    assert.match(text.stdout, /bars hash\s+[0-9a-f]{64}/)
    assert.match(text.stdout, /total return\s+\S+%\s+\S+%/)
    const missing = await runCli(['runs', 'show', '99', '--db', db])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /no run with id 99/)
  })

  it('runs list and compare, with --json', async () => {
    const list = parseJson(await runCli(['runs', 'list', '--db', db, '--json']))
    assert.deepEqual(list.runs.map((r: any) => r.id), [2, 1])
    assert.equal(list.runs[0].params.fast, 12)
    const cmp = await runCli(['runs', 'compare', '1', '2', '--db', db, '--json'])
    assert.equal(cmp.code, 0, cmp.stderr)
    const c = parseJson(cmp)
    assert.equal(c.sameBars, true)
    assert.deepEqual(c.runs[0].metrics, c.runs[1].metrics)
    const text = await runCli(['runs', 'compare', '1', '2', '--db', db])
    assert.match(text.stdout, /run 1\s+run 2/)
    assert.match(text.stdout, /Sharpe/)
    const one = await runCli(['runs', 'compare', '1', '--db', db])
    assert.equal(one.code, 2)
  })

  it('--out writes trades and equity as CSV and Parquet, complete and with no temporary files left', async () => {
    const r = second
    assert.deepEqual(readdirSync(out).sort(), ['equity.csv', 'equity.parquet', 'trades.csv', 'trades.parquet'])
    const csv = readFileSync(path.join(out, 'trades.csv'), 'utf8').trim().split('\n')
    assert.equal(csv[0], 'trade,symbol,side,quantity,entry_time,entry_price,exit_time,exit_price,commission,gross_pnl,net_pnl,return')
    assert.equal(csv.length, r.trades.length + 1)
    assert.match(csv[1], /^0,ORCL,long,\d+\.0,1995-\d\d-\d\dT0[45]:00:00\.000Z,/)
    const rows = await query(db, `SELECT (SELECT count(*) FROM read_parquet('${out}/equity.parquet'))::INTEGER AS e,
      (SELECT sum(net_pnl) FROM read_parquet('${out}/trades.parquet')) AS pnl`)
    assert.equal(rows[0].e, r.counts.bars)
    assert.ok(Math.abs(Number(rows[0].pnl) - r.trades.reduce((s: number, t: any) => s + t.netPnl, 0)) < 1e-6)
  })

  describe('without a writable store', () => {
    let holder: LockHolder
    const spec = path.join(dir, 'store-spec.yaml')
    before(async () => {
      writeFileSync(spec, 'name: from-store\nstrategy: {name: sma-cross}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\n')
      // A spec's data file is a series of its own; a store-sourced spec reads what `bots data import` stored.
      const imported = await runCli(['data', 'import', path.join('examples', 'data', 'orcl-1995-2014.csv'), '--symbol', 'ORCL', '--db', db])
      assert.equal(imported.code, 0, imported.stderr)
      // Another process reads the store: it cannot be written until that process lets go.
      holder = await holdStore(db, {readOnly: true})
    })
    after(() => holder.release())

    it('--no-record runs from a store another process holds; recording says what to do instead', async () => {
      const ok = await runCli(['backtest', spec, '--db', db, '--no-record', '--json'])
      assert.equal(ok.code, 0, ok.stderr + ok.stdout)
      assert.equal(parseJson(ok).runId, null)
      // The run's spec_hash is the one a live bot added from this file gets: the same typed spec.
      const check = await checkSpecText(readFileSync(spec, 'utf8'), spec, await discoverStrategies({cwd: ROOT}))
      assert.equal(parseJson(ok).specHash, specHash(check.spec!))
      const refused = await runCli(['backtest', spec, '--db', db])
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /cannot record the run/)
      assert.match(refused.stderr, /--no-record/)
    })
  })
})
