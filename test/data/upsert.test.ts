// An import appends its bars with instance-wide DuckDB settings changed (appendingInOrder in
// upsert.ts): they must come back as they were, also when the write fails, since one DuckDB
// instance serves every connection of the process (the live service keeps its store open for hours).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {DuckDBConnection} from '@duckdb/node-api'
import {inTransaction} from '../../src/data/store.js'
import {appendingInOrder, upsertBars} from '../../src/data/upsert.js'
import {freshStore} from './helpers.js'

async function settings(conn: DuckDBConnection) {
  const r = await conn.runAndReadAll(
    `SELECT current_setting('threads')::BIGINT::DOUBLE AS threads, current_setting('write_buffer_row_group_count')::BIGINT::DOUBLE AS buffered`,
  )
  return r.getRowObjectsJS()[0]
}

const write = (conn: DuckDBConnection, source: string, symbol = 'X') => appendingInOrder(conn, 'test', () => inTransaction(conn, () => upsertBars(conn, symbol, '1M', source)))

describe('appendingInOrder', () => {
  it('appends the bars in the order given and puts the instance settings back', async () => {
    const {store} = await freshStore()
    const conn = store.conn
    await conn.run('SET threads = 3; SET write_buffer_row_group_count = 4')
    const source = `(SELECT make_timestamp_ms((1577836800000 + i * 60000)::BIGINT) AS ts, 1.0 AS o, 2.0 AS h, 0.5 AS l, 1.5 AS c, i::DOUBLE AS v FROM range(300000) t(i))`
    assert.deepEqual(await write(conn, source), {new: 300_000, replaced: 0})
    assert.deepEqual(await settings(conn), {threads: 3, buffered: 4})
    // Storage order is the order given: loadBars relies on it to skip a sort.
    const r = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM (SELECT volume - lag(volume) OVER () AS step FROM bars) WHERE step <> 1`)
    assert.equal(r.getRowObjectsJS()[0].n, 0)
  })

  it('puts the settings back when the write fails', async () => {
    const {store} = await freshStore()
    const conn = store.conn
    await conn.run('SET threads = 2; SET write_buffer_row_group_count = 5')
    // A NULL time breaks bars' NOT NULL in the insert itself.
    const source = `(SELECT NULL::TIMESTAMP AS ts, 1.0 AS o, 2.0 AS h, 0.5 AS l, 1.5 AS c, 0.0 AS v)`
    await assert.rejects(write(conn, source), /NOT NULL/)
    assert.deepEqual(await settings(conn), {threads: 2, buffered: 5})
  })

  it('two writes to one instance take turns, and the settings end as they began', async () => {
    const {store} = await freshStore()
    await store.conn.run('SET threads = 2; SET write_buffer_row_group_count = 5')
    const [a, b] = [await store.connect(), await store.connect()]
    const rows = (n: number) => `(SELECT make_timestamp_ms((1577836800000 + i * 60000)::BIGINT) AS ts, 1.0 AS o, 2.0 AS h, 0.5 AS l, 1.5 AS c, i::DOUBLE AS v FROM range(${n}) t(i))`
    // The second write starts while the first one's settings are in force and ends after it.
    let second: Promise<unknown> | undefined
    const first = appendingInOrder(a, 'test', async () => {
      second = write(b, rows(200_000), 'B')
      return inTransaction(a, () => upsertBars(a, 'A', '1M', rows(10)))
    })
    assert.deepEqual(await first, {new: 10, replaced: 0})
    assert.deepEqual(await second, {new: 200_000, replaced: 0})
    assert.deepEqual(await settings(store.conn), {threads: 2, buffered: 5})
  })
})
