/**
 * The store's head start (backtest/store-head-start.ts): opened from the spec's YAML while the
 * spec is validated. It must find the file the spec will read, open nothing that does not exist
 * (an invalid spec must not create a store), and hold nothing once the backtest is prepared or
 * has failed: another process can then write the store.
 */
import assert from 'node:assert/strict'
import {existsSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {backtestSpecFile, prepareBacktest} from '../../src/backtest/run-spec.js'
import {headStartFile} from '../../src/backtest/store-head-start.js'
import {importFiles} from '../../src/data/import.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {ROOT} from '../helpers/cli.js'
import {holdStore} from '../helpers/lock-holder.js'
import {tempDir} from '../helpers/tmp.js'

const spec = (dir: string, body: string) => {
  const file = path.join(dir, 'bot.yaml')
  writeFileSync(file, `name: idx\nstrategy: {name: sma-cross, params: {fast: 5, slow: 20}}\nsymbols: [IDX]\ntimeframe: 1D\nmarket: NYSE\n${body}`)
  return file
}

describe('store head start: which file', () => {
  const dir = tempDir('bots-head-start-')
  writeFileSync(path.join(dir, 'here.duckdb'), '')
  writeFileSync(path.join(dir, 'flag.duckdb'), '')

  it('data.db against the spec\'s folder, --db before it, only an existing file of a stored spec', async () => {
    assert.equal(await headStartFile(spec(dir, 'data: {source: store, db: here.duckdb}\n'), undefined), path.join(dir, 'here.duckdb'))
    assert.equal(await headStartFile(spec(dir, 'data: {db: here.duckdb}\n'), undefined), path.join(dir, 'here.duckdb'), 'store is the default source')
    assert.equal(await headStartFile(spec(dir, 'data: {db: here.duckdb}\n'), path.join(dir, 'flag.duckdb')), path.join(dir, 'flag.duckdb'))
    assert.equal(await headStartFile(spec(dir, 'data: {db: missing.duckdb}\n'), undefined), undefined)
    assert.equal(await headStartFile(spec(dir, 'data: {source: file, path: x.csv, db: here.duckdb}\n'), undefined), undefined)
    assert.equal(await headStartFile(spec(dir, 'data: {db: ":memory:"}\n'), undefined), undefined)
    assert.equal(await headStartFile(spec(dir, 'data: [\n'), undefined), undefined, 'YAML that does not parse')
    assert.equal(await headStartFile(path.join(dir, 'no-such.yaml'), undefined), undefined)
    // Never read past what the spec's loader would: a link to /dev/zero is left to its error.
    symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'))
    assert.equal(await headStartFile(path.join(dir, 'zero.yaml'), undefined), undefined)
  })
})

describe('store head start: what it leaves', () => {
  it('an invalid spec creates no store and holds none; a prepared one leaves the store free', async () => {
    const dir = tempDir('bots-head-start-')
    const db = path.join(dir, 's.duckdb')
    const store = await openStore({path: db})
    try {
      await importFiles(store, [path.join(ROOT, 'examples/data/index-2006-daily.csv')], {symbol: 'IDX', timeframe: '1D'})
    } finally {
      await closeStore(store)
    }
    // Invalid (a negative cash) with an existing store, then with a missing one.
    await assert.rejects(prepareBacktest({file: spec(dir, 'data: {db: s.duckdb}\nbroker: {cash: -1}\n')}), /cash/)
    const missing = path.join(dir, 'missing.duckdb')
    await assert.rejects(backtestSpecFile({file: spec(dir, 'data: {db: missing.duckdb}\nbroker: {cash: -1}\n')}), /cash/)
    assert.ok(!existsSync(missing), 'no store made for an invalid spec')
    // Another process can take the write lock: nothing of this process holds the file.
    await (await holdStore(db)).release()
    const prepared = await prepareBacktest({file: spec(dir, 'data: {db: s.duckdb}\n')})
    assert.equal(prepared.bars[0].length, 255)
    await (await holdStore(db)).release()
  })
})
