/**
 * A spec's data file whose every row the import rejects (found by an audit): the backtest said
 * "no 1D bars for ORCL@us.csv#561d0845 in the store — import it first", naming an internal series
 * and asking for an import that had just run. Now it says every row was rejected, with the first
 * one's line and rule, located at the spec's `data`, on the first use and on a later one.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {BotsError} from '../../src/core/errors.js'
import {tempDir} from '../helpers/tmp.js'

it('every row rejected: a located error naming the file, the count and the first bad line', async () => {
  const dir = tempDir('bots-all-rejected-')
  const csv = path.join(dir, 'us.csv')
  // Volumes written with thousands separators in quotes: not numbers, every row unparsable.
  const rows = Array.from({length: 30}, (_, k) => `${new Date(Date.UTC(2024, 0, 2 + k)).toISOString().slice(0, 10)},10,11,9,10.5,"36,301,200"`)
  writeFileSync(csv, `Date,Open,High,Low,Close,Volume\n${rows.join('\n')}\n`)
  const file = path.join(dir, 'bot.yaml')
  writeFileSync(file, `name: x\nstrategy: {name: sma-cross, params: {fast: 2, slow: 5}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: 24/7\ndata:\n  source: file\n  path: ${csv}\n  db: ${path.join(dir, 's.duckdb')}\n`)
  for (const use of ['first', 'later']) {
    await assert.rejects(backtestSpecFile({file}), (e: unknown) => {
      assert.ok(e instanceof BotsError, String(e))
      assert.equal(e.diagnostic.code, 'data.rejected', `${use}: ${e.message}`)
      assert.match(e.message, /^every row of ORCL's data file us\.csv \(30\) was rejected by the data rules/)
      if (use === 'first') assert.match(e.message, /first: us\.csv:2 unparsable: /)
      assert.equal(e.diagnostic.file, file)
      assert.equal(e.diagnostic.path, '/data')
      return true
    })
  }
})
