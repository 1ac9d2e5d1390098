/**
 * On the engine path a sweep's workers send each run's curve while it can still be among the top
 * N, and the main thread keeps only the current top N of them (run-sweep.ts keepTopEquity): the
 * curves recorded must be exactly the top N's, however the runs arrived.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

describe('a sweep on the engine path keeps the top N curves', () => {
  it('records a curve for each of the top 3 runs and for no other', async () => {
    const db = path.join(tempDir(), 'store.duckdb')
    const r = await runCli(
      ['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--start', '2004-01-01', '--end', '2009-12-31', '--sweep', 'fast=5..25:5', '--sweep', 'slow=30,60', '--top', '3', '--workers', '2', '--json'],
      {env: {BOTS_SWEEP_PATH: 'engine'}},
    )
    assert.equal(r.code, 0, r.stderr)
    const sweep = parseJson(r)
    assert.equal(sweep.path.kind, 'engine')
    assert.equal(sweep.runs.length, 10)
    const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
    const conn = await instance.connect()
    const rows = (await conn.runAndReadAll('SELECT id::INTEGER AS id, (SELECT count(*) FROM run_equity e WHERE e.run_id = runs.id)::INTEGER AS points FROM runs')).getRowObjectsJS()
    conn.closeSync()
    instance.closeSync()
    const top = new Set(sweep.runs.slice(0, 3).map((x: {runId: number}) => x.runId))
    assert.deepEqual(rows.filter((x) => Number(x.points) > 0).map((x) => x.id).sort(), [...top].sort())
  })
})
