/**
 * A run of a recorded sweep reads back (`bots runs show --json`) with the metrics a single
 * backtest of its parameters gives, the buy-and-hold monthly table included, though the sweep
 * records that table once for all its runs (results/shared-benchmark.ts). Real CLI, real stores.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const SPEC = 'examples/orcl-sma-cross.yaml'
const WINDOW = ['--start', '2004-01-01', '--end', '2010-12-31']

describe('a recorded sweep run read back (real CLI)', () => {
  it('has the metrics of a single run with its parameters, monthly tables included', async () => {
    const dir = tempDir()
    const sweepDb = path.join(dir, 'sweep.duckdb')
    const [sweep, single] = await Promise.all([
      runCli(['backtest', SPEC, '--db', sweepDb, ...WINDOW, '--sweep', 'fast=10,20', '--sweep', 'slow=50', '--workers', '2', '--json']),
      runCli(['backtest', SPEC, '--db', path.join(dir, 'single.duckdb'), ...WINDOW, '--param', 'fast=20', '--param', 'slow=50', '--no-report', '--json']),
    ])
    assert.equal(sweep.code, 0, sweep.stderr)
    assert.equal(single.code, 0, single.stderr)
    const run = parseJson(sweep).runs.find((r: any) => r.params.fast === 20)
    const shown = await runCli(['runs', 'show', String(run.runId), '--db', sweepDb, '--json'])
    assert.equal(shown.code, 0, shown.stderr)
    const metrics = parseJson(shown).metrics
    const expected = parseJson(single).metrics
    assert.ok(metrics.monthly.benchmark.length >= 80, `${metrics.monthly.benchmark.length} months`)
    assert.deepEqual(metrics, expected)
  })
})
