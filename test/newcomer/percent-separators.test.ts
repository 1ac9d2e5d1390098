/**
 * Issue 14 (items 7 and 10): money and counts had thousands separators, percentages did not:
 * `bots backtest examples/orcl-sma-cross.yaml` printed buy & hold's total return as `2023.95%`
 * beside `2,123,947.52`. Percentages of four digits and more are now separated too, in the
 * terminal, `bots runs show`, sweeps and the report (one formatter).
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {formatMetric} from '../../src/metrics/metric-rows.js'
import {runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

describe('percentages with thousands separators', () => {
  it('formatMetric pct: separated, two decimals, small values unchanged', () => {
    const pct = (v: number) => formatMetric(v, 'pct', String)
    assert.deepEqual([pct(20.2395), pct(-0.5), pct(0.0023), pct(0), pct(123.456789)], ['2,023.95%', '-50.00%', '0.23%', '0.00%', '12,345.68%'])
  })

  it('bots backtest and bots runs show print buy & hold\'s 2,023.95% (real CLI)', async () => {
    const db = path.join(tempDir('bots-pct-'), 'pct.duckdb')
    const bt = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', db, '--no-report'])
    assert.equal(bt.code, 0, bt.stderr)
    assert.match(bt.stdout, /^total return\s+286\.97%\s+2,023\.95%$/m)
    const shown = await runCli(['runs', 'show', '1', '--db', db])
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, /^total return\s+286\.97%\s+2,023\.95%$/m)
    assert.doesNotMatch(bt.stdout + shown.stdout, /\d{4}\.\d{2}%/)
  })
})
