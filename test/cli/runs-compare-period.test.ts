/**
 * `bots runs compare` of runs over different periods or from different cash (found by an audit):
 * 386,969.20 beside 6,129.68 with only "different bars" to say why. The table now shows each
 * run's period and initial cash; `bots runs show` its initial cash.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {it} from 'node:test'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

it('compare shows each run\'s period and initial cash; show its initial cash', async () => {
  const db = path.join(tempDir('bots-compare-period-'), 'store.duckdb')
  for (const extra of [[], ['--start', '2010-01-01', '--cash', '5000']]) {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-report', ...extra])
    assert.equal(r.code, 0, r.stderr)
  }
  const cmp = await runCli(['runs', 'compare', '1', '2', '--db', db])
  assert.equal(cmp.code, 0, cmp.stderr)
  assert.match(cmp.stdout, /^period\s+1995-01-03 → 2014-12-31\s+2010-01-04 → 2014-12-31$/m)
  assert.match(cmp.stdout, /^initial cash\s+100,000\.00\s+5,000\.00$/m)
  const show = await runCli(['runs', 'show', '2', '--db', db])
  assert.match(show.stdout, /^initial cash\s+5,000\.00$/m)
})
