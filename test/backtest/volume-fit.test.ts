/**
 * `broker.max_volume_share` on bars without volume (found by an audit): examples/data's IDX file
 * has a Volume column of zeros, so with a volume cap no order ever filled, and the run ended with
 * every order open and a return of 0% without a word. Now a warning at the cap says why.
 */
import assert from 'node:assert/strict'
import {cpSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const spec = (broker: string) => `name: capped
strategy: {name: sma-cross, params: {fast: 5, slow: 20, quantity: 1}}
symbols: [IDX]
timeframe: 1D
market: NYSE
data: {source: file, path: data/index-2006-daily.csv}
broker:
${broker}
`

it('a volume cap on bars whose volume is all 0: a warning at broker.max_volume_share, and indeed nothing filled', async () => {
  const dir = tempDir('bots-volume-fit-')
  cpSync(path.join(ROOT, 'examples/data'), path.join(dir, 'data'), {recursive: true})
  const file = path.join(dir, 'capped.yaml')
  writeFileSync(file, spec('  cash: 100000\n  max_volume_share: 0.1'))
  const o = await backtestSpecFile({file, db: path.join(dir, 's.duckdb'), record: false})
  const w = o.warnings.filter((x) => x.code === 'broker.no_volume')
  assert.deepEqual(w.map((x) => [x.path, x.line, x.column, x.message]), [['/broker/max_volume_share', 9, 21, "IDX has no volume (every bar's is 0): with max_volume_share no order on it can fill"]])
  assert.ok(o.result.counts.orders > 0)
  assert.equal(o.result.counts.fills, 0, 'the warning is right: nothing filled')
  // Without the cap the same bars trade, and nothing is said.
  writeFileSync(file, spec('  cash: 100000'))
  const free = await backtestSpecFile({file, db: path.join(dir, 's.duckdb'), record: false})
  assert.deepEqual(free.warnings.filter((x) => x.code === 'broker.no_volume'), [])
  assert.ok(free.result.counts.fills > 0)
})
