/**
 * A window that reaches past one symbol's data, in a run of several symbols (found by an audit):
 * the warning quoted that symbol's span as the run's ("the backtest runs over 2006-01-02 –
 * 2006-12-29 only") although the run spans every symbol's bars, from 2005-06-01 with ORCL's.
 */
import assert from 'node:assert/strict'
import {cpSync} from 'node:fs'
import path from 'node:path'
import {it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

it('names the symbol\'s own span within the run\'s', async () => {
  const dir = tempDir('bots-window-two-')
  cpSync(path.join(ROOT, 'examples'), dir, {recursive: true})
  const o = await backtestSpecFile({file: path.join(dir, 'momentum-rotation.yaml'), db: path.join(dir, 's.duckdb'), overrides: {start: '2005-06-01'}})
  const w = o.warnings.filter((x) => x.code === 'backtest.window_past_data')
  assert.equal(w.length, 1, JSON.stringify(o.warnings))
  assert.match(w[0].message, /^--start 2005-06-01: the IDX data starts at 2006-01-02, after the window's start 2005-06-01: IDX has bars over 2006-01-02 – 2006-12-29 only, of the run's 2005-06-01 – 2006-12-29/)
  assert.equal(o.bars[0].time[0], Date.UTC(2005, 5, 1, 4), 'the run starts with ORCL\'s first bar in the window (New York midnight)')
})
