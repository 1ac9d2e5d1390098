/**
 * A recorded sweep appends its runs' trades from the packed form the workers send (no object per
 * trade); a single recorded backtest appends trade objects. The rows must be the same, column for
 * column, on both sweep paths.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {ENGINE} from './both-paths.js'

const SPEC = 'examples/orcl-sma-cross.yaml'
const WINDOW = ['--start', '2000-01-01', '--end', '2012-12-31']

async function tradeRows(db: string, runId: number): Promise<unknown[]> {
  const instance = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
  const conn = await instance.connect()
  try {
    const r = await conn.runAndReadAll(`SELECT seq, symbol, side, quantity, entry_ts::VARCHAR AS entry_ts, entry_price, exit_ts::VARCHAR AS exit_ts, exit_price, commission, gross_pnl, net_pnl, "return" FROM run_trades WHERE run_id = $id ORDER BY seq`, {id: runId})
    return r.getRowObjectsJS()
  } finally {
    conn.closeSync()
    instance.closeSync()
  }
}

describe('a recorded sweep\'s trades (real CLI)', () => {
  for (const [name, env] of [['vector', {}], ['engine', ENGINE]] as const) {
    it(`are the rows a single recorded run writes (${name} path)`, async () => {
      const dir = tempDir()
      const sweepDb = path.join(dir, 'sweep.duckdb')
      const singleDb = path.join(dir, 'single.duckdb')
      const [sweep, single] = await Promise.all([
        runCli(['backtest', SPEC, '--db', sweepDb, ...WINDOW, '--sweep', 'fast=10,20', '--sweep', 'slow=50', '--top', '1', '--workers', '2', '--json'], {env}),
        runCli(['backtest', SPEC, '--db', singleDb, ...WINDOW, '--param', 'fast=20', '--param', 'slow=50', '--no-report', '--json']),
      ])
      assert.equal(sweep.code, 0, sweep.stderr)
      assert.equal(single.code, 0, single.stderr)
      const s = parseJson(sweep)
      assert.equal(s.path.kind, name)
      const run = s.runs.find((r: any) => r.params.fast === 20)
      const one = parseJson(single)
      const rows = await tradeRows(sweepDb, run.runId)
      assert.ok(rows.length > 10, `${rows.length} trades`)
      assert.equal(rows.length, run.metrics.trades)
      assert.deepEqual(rows, await tradeRows(singleDb, one.runId))
    })
  }
})
