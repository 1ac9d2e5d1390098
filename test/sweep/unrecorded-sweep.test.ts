/**
 * A sweep that is not recorded keeps no equity curves and no trades (they are kept only to be
 * recorded); it must rank and measure every run exactly as a recorded sweep does, on both paths.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {ENGINE, ranking} from './both-paths.js'

const ARGS = ['backtest', 'examples/orcl-sma-cross.yaml', '--start', '2005-01-01', '--end', '2010-12-31', '--sweep', 'fast=10..30:10', '--sweep', 'slow=40,60', '--top', '2', '--workers', '2', '--json']

describe('bots backtest --sweep --no-record (real CLI)', () => {
  for (const [name, env] of [['vector', {}], ['engine', ENGINE]] as const) {
    it(`ranks and measures like a recorded sweep (${name} path)`, async () => {
      const db = path.join(tempDir(), 'store.duckdb')
      const [recorded, plain] = await Promise.all([runCli([...ARGS, '--db', db], {env}), runCli([...ARGS, '--db', `${db}-unused`, '--no-record'], {env})])
      assert.equal(recorded.code, 0, recorded.stderr)
      assert.equal(plain.code, 0, plain.stderr)
      const r = parseJson(recorded)
      const p = parseJson(plain)
      assert.equal(p.path.kind, name)
      assert.equal(p.sweepId, null)
      assert.equal(typeof r.sweepId, 'number')
      assert.equal(p.runs.length, 6)
      assert.ok(p.runs.some((x: any) => x.metrics.trades > 0), 'the sweep trades')
      assert.deepEqual(ranking(p), ranking(r))
    })
  }
})
