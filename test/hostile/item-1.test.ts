/**
 * Issue 16, item 1: a spec's data file never replaces bars stored from another source.
 *
 * Before: a `source: file` backtest replaced the whole stored `ORCL 1D` series with its file's
 * rows (3 rows left of 5,036), and in the live service one user's file-sourced bot replaced the
 * series under another user's running bot. Now each data file is its own stored series
 * (`ORCL@file.csv#hash`), and the bare symbol is only ever written by `bots data import`.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {fileSeries} from '../../src/data/file-series.js'
import {ROOT, parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {query} from '../service/helpers.js'

const ORCL = path.join(ROOT, 'examples', 'data', 'orcl-1995-2014.csv')

describe('issue 16, item 1: stored series are never replaced implicitly', () => {
  const dir = tempDir('bots-item1-')
  const db = path.join(dir, 'store.duckdb')
  const count = async (symbol: string) => (await query(db, `SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = $s AND timeframe = '1D'`, {s: symbol}))[0].n as number

  it('a backtest of a spec with its own 3-row file leaves the imported series whole and runs on its own 3 rows', async () => {
    const imported = await runCli(['data', 'import', ORCL, '--symbol', 'ORCL', '--db', db])
    assert.equal(imported.code, 0, imported.stderr)
    const full = await count('ORCL')
    assert.ok(full > 5000, `imported ${full}`)

    // A small file of the same symbol: its first three data rows.
    const lines = readFileSync(ORCL, 'utf8').split('\n')
    const small = path.join(dir, 'orcl-3.csv')
    writeFileSync(small, lines.slice(0, 4).join('\n') + '\n')
    const spec = path.join(dir, 'small.yaml')
    writeFileSync(spec, `name: small\nstrategy: {name: sma-cross, params: {fast: 1, slow: 2, quantity: 1}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: orcl-3.csv}\n`)
    const run = await runCli(['backtest', spec, '--db', db, '--json', '--no-report'])
    assert.equal(run.code, 0, run.stderr)
    assert.equal(parseJson(run).metrics.period.bars, 3)

    assert.equal(await count('ORCL'), full, 'the imported series is untouched')
    assert.equal(await count(fileSeries('ORCL', small)), 3, 'the file is its own series')
    // Listed as such, next to the imported one.
    const list = await runCli(['data', 'list', '--db', db, '--json'])
    const names = (parseJson(list) as {symbol: string}[]).map((s) => s.symbol)
    assert.ok(names.includes('ORCL') && names.includes(fileSeries('ORCL', small)), names.join(', '))

    // And a backtest of the imported series still sees all of it.
    const storeSpec = path.join(dir, 'store.yaml')
    writeFileSync(storeSpec, `name: whole\nstrategy: {name: sma-cross, params: {fast: 10, slow: 30, quantity: 1}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\n`)
    const whole = await runCli(['backtest', storeSpec, '--db', db, '--json', '--no-report', '--no-record'])
    assert.equal(whole.code, 0, whole.stderr)
    assert.equal(parseJson(whole).metrics.period.bars, full)
  })

  it('two specs on two files of one symbol keep their own bars', async () => {
    const lines = readFileSync(ORCL, 'utf8').split('\n')
    const a = path.join(dir, 'a', 'orcl.csv')
    const b = path.join(dir, 'b', 'orcl.csv') // the same file name in another folder
    for (const [file, rows] of [[a, 10], [b, 20]] as const) {
      mkdirSync(path.dirname(file), {recursive: true})
      writeFileSync(file, lines.slice(0, rows + 1).join('\n') + '\n')
      writeFileSync(path.join(path.dirname(file), 'spec.yaml'), `name: s${rows}\nstrategy: {name: sma-cross, params: {fast: 1, slow: 2, quantity: 1}}\nsymbols: [ORCL]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: orcl.csv}\n`)
    }
    for (const [file, rows] of [[a, 10], [b, 20], [a, 10]] as const) {
      const r = await runCli(['backtest', path.join(path.dirname(file), 'spec.yaml'), '--db', db, '--json', '--no-report', '--no-record'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(parseJson(r).metrics.period.bars, rows)
    }
    assert.notEqual(fileSeries('ORCL', a), fileSeries('ORCL', b))
    assert.equal(await count(fileSeries('ORCL', a)), 10)
    assert.equal(await count(fileSeries('ORCL', b)), 20)
  })
})
