/**
 * data/003-bar-series: a store written before it (bars with their symbol and timeframe text in
 * every row) is migrated on its next open, losing nothing, and reads exactly as it did.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'
import {DuckDBInstance} from '@duckdb/node-api'
import {listSeries, removeSeries} from '../../src/data/catalog.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {tempDir} from '../helpers/tmp.js'
import {DAY} from './helpers.js'

const MINUTE = 60_000
const START = Date.UTC(2021, 0, 4)

/** A store as the first two migrations left it, its rows interleaved across series and out of time order. */
async function oldStore(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(file)
  const conn = await instance.connect()
  await conn.run(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp);
    INSERT INTO schema_migrations (version, name) VALUES (1, 'data/001-bars'), (2, 'data/002-imports');
    CREATE TABLE bars (symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, ts TIMESTAMP NOT NULL, open DOUBLE NOT NULL, high DOUBLE NOT NULL, low DOUBLE NOT NULL, close DOUBLE NOT NULL, volume DOUBLE NOT NULL);
    CREATE SEQUENCE imports_id START 1;
    CREATE TABLE imports (id BIGINT PRIMARY KEY DEFAULT nextval('imports_id'), symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, path VARCHAR NOT NULL, size BIGINT NOT NULL, mtime_ms DOUBLE NOT NULL, sha256 VARCHAR NOT NULL, options VARCHAR NOT NULL, timezone VARCHAR NOT NULL, rows_new BIGINT NOT NULL, rows_replaced BIGINT NOT NULL, rows_rejected BIGINT NOT NULL, imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`)
  // Three series, written in an order that is neither by series nor by time (a later re-import
  // replacing bars leaves a series out of order in storage).
  await conn.run(`INSERT INTO bars
    SELECT CASE i % 3 WHEN 0 THEN 'AAA' WHEN 1 THEN 'BBB' ELSE 'AAA' END,
           CASE i % 3 WHEN 2 THEN '5M' ELSE '1M' END,
           make_timestamp_ms(${START} + (((i // 3) * 7919) % 3000) * ${MINUTE}),
           100 + i, 101 + i, 99 + i, 100.5 + i, i
    FROM range(9000) t(i)`)
  conn.closeSync()
  instance.closeSync()
}

describe('data/003-bar-series', () => {
  it('moves every bar of a store made before it into bar_rows, each series in time order, and reads the same', async () => {
    const db = path.join(tempDir(), 'old.duckdb')
    await oldStore(db)
    const before = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
    const read = await before.connect()
    const expected = (await read.runAndReadAll(`SELECT symbol, timeframe, epoch_ms(ts)::DOUBLE AS t, close FROM bars ORDER BY symbol, timeframe, ts`)).getRowObjectsJS()
    read.closeSync()
    before.closeSync()

    // Read-only, as `bots backtest` opens it: the store is migrated in a brief read-write open first.
    const store = await openStore({path: db, readOnly: true})
    try {
      const after = (await store.conn.runAndReadAll(`SELECT symbol, timeframe, epoch_ms(ts)::DOUBLE AS t, close FROM bars ORDER BY symbol, timeframe, ts`)).getRowObjectsJS()
      assert.equal(after.length, 9000)
      assert.deepEqual(after, expected)
      const series = (await store.conn.runAndReadAll('SELECT symbol, timeframe FROM bar_series ORDER BY id')).getRowObjectsJS()
      assert.deepEqual(series, [{symbol: 'AAA', timeframe: '1M'}, {symbol: 'AAA', timeframe: '5M'}, {symbol: 'BBB', timeframe: '1M'}])
      // Storage order is time order within each series, so loading needs no second, sorted read.
      const unordered = (await store.conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM (SELECT series, ts, lag(ts) OVER (PARTITION BY series ORDER BY rowid) AS p FROM bar_rows) WHERE ts <= p`)).getRowObjectsJS()[0]
      assert.equal(unordered.n, 0)
      const b = await loadBars(store, {symbol: 'AAA', timeframe: '5M'})
      const aaa5 = expected.filter((r) => r.symbol === 'AAA' && r.timeframe === '5M')
      assert.deepEqual(Array.from(b.time), aaa5.map((r) => r.t))
      assert.deepEqual(Array.from(b.close), aaa5.map((r) => r.close))
    } finally {
      await closeStore(store)
    }
  })

  it('names each series once: imports reuse its id, removal deletes it, a later import makes a new one', async () => {
    const db = path.join(tempDir(), 'new.duckdb')
    const store = await openStore({path: db})
    try {
      const ids = async () => (await store.conn.runAndReadAll('SELECT id, symbol, timeframe FROM bar_series ORDER BY id')).getRowObjectsJS()
      await importFiles(store, [DAY], {symbol: 'X'})
      await importFiles(store, [DAY], {symbol: 'Y'})
      await importFiles(store, [DAY], {symbol: 'X'}) // the same series again: replaced rows, same id
      assert.deepEqual(await ids(), [{id: 1, symbol: 'X', timeframe: '1D'}, {id: 2, symbol: 'Y', timeframe: '1D'}])
      const rows = (await listSeries(store)).map((s) => [s.symbol, s.rows])
      assert.equal(rows[0][1], rows[1][1])
      await removeSeries(store, 'X')
      assert.deepEqual(await ids(), [{id: 2, symbol: 'Y', timeframe: '1D'}])
      const orphans = (await store.conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM bar_rows WHERE series NOT IN (SELECT id FROM bar_series)')).getRowObjectsJS()[0]
      assert.equal(orphans.n, 0)
      await importFiles(store, [DAY], {symbol: 'X'})
      assert.deepEqual(await ids(), [{id: 2, symbol: 'Y', timeframe: '1D'}, {id: 3, symbol: 'X', timeframe: '1D'}])
      const x = await loadBars(store, {symbol: 'X', timeframe: '1D'})
      const y = await loadBars(store, {symbol: 'Y', timeframe: '1D'})
      assert.deepEqual(x.close, y.close)
      assert.ok(x.length > 0)
    } finally {
      await closeStore(store)
    }
  })
})
