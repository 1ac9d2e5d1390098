/**
 * Only parameters and quoted identifiers reach SQL: symbols, paths, time zones and column names
 * that look like SQL are stored and used as data, and harm nothing.
 */
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {listSeries, removeSeries} from '../../src/data/catalog.js'
import {loadBars} from '../../src/data/load-bars.js'
import {resampleBars} from '../../src/data/resample.js'
import {showSeries} from '../../src/data/show.js'
import {closeStore, withStore} from '../../src/data/store.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {DAY, freshStore} from './helpers.js'

const EVIL = "x'; DROP TABLE bars; --"

describe('SQL-looking input is data', async () => {
  const {store, db} = await freshStore()
  await importFiles(store, [DAY], {symbol: 'SAFE'})

  it(`a symbol like ${EVIL} is stored as that symbol`, async () => {
    const r = await importFiles(store, [DAY], {symbol: EVIL})
    assert.equal(r.new, 255)
    assert.deepEqual((await listSeries(store)).map((s) => [s.symbol, s.rows]), [['SAFE', 255], [EVIL, 255]])
    assert.equal((await loadBars(store, {symbol: EVIL, timeframe: '1D'})).length, 255)
    assert.equal((await showSeries(store, EVIL))[0].rows, 255)
    assert.equal((await resampleBars(store, {symbol: EVIL, from: '1D', to: '1W'})).sourceRows, 255)
    assert.equal((await removeSeries(store, EVIL)).rows, 255 + 52) // daily + weekly bars of 2006
    assert.deepEqual((await listSeries(store)).map((s) => s.symbol), ['SAFE'])
  })

  it('a path with quotes, and header names that are SQL, are read as such', async () => {
    const dir = path.join(tempDir(), "it's \"here\"")
    mkdirSync(dir)
    const file = path.join(dir, "o'clock.csv")
    const timeCol = 'when" FROM bars; DROP TABLE bars; --'
    writeFileSync(file, `"${timeCol.replaceAll('"', '""')}",open,high,low,"close'); DROP TABLE bars; --",volume\n2020-01-02,1,2,0.5,1.5,10\n`)
    const r = await importFiles(store, [file], {symbol: 'Q', timeframe: '1D', columns: {datetime: timeCol, close: "close'); DROP TABLE bars; --"}})
    assert.equal(r.new, 1)
    assert.equal((await loadBars(store, {symbol: 'SAFE', timeframe: '1D'})).length, 255)
  })

  it('through the CLI as well', async () => {
    await closeStore(store) // release the file for the CLI
    const imp = await runCli(['data', 'import', DAY, '--symbol', EVIL, '--db', db, '--json'])
    assert.equal(parseJson(imp).new, 255)
    const tz = await runCli(['data', 'import', DAY, '--symbol', 'T', '--tz', "UTC'; DROP TABLE bars; --", '--db', db])
    assert.equal(tz.code, 1)
    assert.match(tz.stderr, /unknown time zone/)
    const symbols = await withStore({path: db, readOnly: true}, async (s) => (await listSeries(s)).map((x) => x.symbol))
    assert.deepEqual(symbols, ['Q', 'SAFE', EVIL])
  })
})
