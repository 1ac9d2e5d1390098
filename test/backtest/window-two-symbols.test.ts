/**
 * A window that reaches past one symbol's data, in a run of several symbols (found by an audit):
 * the warning quoted that symbol's span as the run's ("the backtest runs over 2006-01-02 –
 * 2006-12-29 only") although the run spans every symbol's bars, from 2005-06-01 with ORCL's.
 */
import assert from 'node:assert/strict'
import {cpSync, readFileSync, writeFileSync} from 'node:fs'
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

it('without a window, a symbol whose data covers only part of the run is a warning at its place in `symbols`', async () => {
  // ORCL 1995–2014 and IDX 2006 only: the run spans ORCL's twenty years; after 2006-12-29 an IDX
  // position kept its last close to the end, and nothing said so (found by an audit).
  const dir = tempDir('bots-span-two-')
  cpSync(path.join(ROOT, 'examples'), dir, {recursive: true})
  const spec = path.join(dir, 'rotation-whole.yaml')
  const text = readFileSync(path.join(dir, 'momentum-rotation.yaml'), 'utf8')
  const whole = text.replace(/\nbacktest:\n  start: 2006-01-03\n  end: 2006-12-29\n/, '\n')
  assert.notEqual(whole, text, 'momentum-rotation.yaml no longer ends with its 2006 window')
  writeFileSync(spec, whole)
  const o = await backtestSpecFile({file: spec, db: path.join(dir, 's.duckdb'), record: false})
  const w = o.warnings.filter((x) => x.code === 'backtest.symbol_span')
  const line = whole.split('\n').indexOf('symbols: [ORCL, IDX]') + 1
  assert.deepEqual(w.map((x) => [x.file, x.path, x.line, x.column]), [[spec, '/symbols/1', line, 'symbols: [ORCL, '.length + 1]])
  assert.equal(w[0].message, "IDX has bars over 2006-01-02 – 2006-12-29 only, of the run's 1995-01-03 – 2014-12-31: before its first bar it cannot be traded; after its last bar it cannot be traded, and a position in it is valued at that bar's close to the end")
  assert.match(w[0].hint!, /set backtest\.start and backtest\.end inside every symbol's data/)
  // Within both symbols' data, and with one symbol, nothing to say.
  writeFileSync(spec, text)
  assert.deepEqual((await backtestSpecFile({file: spec, db: path.join(dir, 's.duckdb'), record: false})).warnings.filter((x) => x.code === 'backtest.symbol_span'), [])
  writeFileSync(spec, whole.replace('symbols: [ORCL, IDX]', 'symbols: [ORCL]').replace(/\n    IDX: data\/index-2006-daily\.csv/, ''))
  assert.deepEqual((await backtestSpecFile({file: spec, db: path.join(dir, 's.duckdb'), record: false})).warnings.filter((x) => x.code === 'backtest.symbol_span'), [])
})
