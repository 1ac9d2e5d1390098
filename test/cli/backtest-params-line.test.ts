/**
 * The summary's strategy line stays a line (found by an audit): a `rules` bot's params were its
 * whole indicators and conditions as JSON on one line of several hundred characters. Scalars are
 * shown as they are, a small flat block whole, a nested one by its keys.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

it('rules, a flat weights block and scalars', async () => {
  const db = path.join(tempDir('bots-params-line-'), 'store.duckdb')
  const line = async (spec: string) => {
    const r = await runCli(['backtest', spec, '--db', db, '--no-record'])
    assert.equal(r.code, 0, r.stderr)
    return r.stdout.split('\n').find((l) => l.startsWith('strategy '))!.replace(/^strategy\s+/, '')
  }
  assert.equal(await line('examples/pairs.yaml'), 'rules (daily runner) · indicators={ma} entry={long, short} exit={long, short} sizing={type: volatility_target, value: 0.15, lookback: 20}')
  assert.equal(await line('examples/monthly-rebalance.yaml'), 'monthly-rebalance (daily runner) · weights={ORCL: 0.6, IDX: 0.35}')
  assert.equal(await line('examples/orcl-sma-cross.yaml'), 'sma-cross (daily runner) · fast=10 slow=30 percent=90')
})
