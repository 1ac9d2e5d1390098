/** appendColumns (real DuckDB file): what goes in by columns reads back row for row, strings included. */
import assert from 'node:assert/strict'
import path from 'node:path'
import {test} from 'node:test'
import {closeStore, openStore} from '../../src/data/store.js'
import {appendColumns} from '../../src/data/append-columns.js'
import {tempDir} from '../helpers/tmp.js'

test('string columns: chunks of one string and chunks of many, in any order, read back as written', async () => {
  const store = await openStore({path: path.join(tempDir(), 'append.duckdb')})
  try {
    await store.conn.run('CREATE TABLE t (i INTEGER, s VARCHAR, side VARCHAR, x DOUBLE)')
    // 2048 rows a chunk: one string, then mixed, then another single string, then a short mixed tail.
    const n = 2048 * 3 + 700
    const s = Array.from({length: n}, (_, i) => (i < 2048 ? 'AAPL' : i < 4096 ? `S${i % 5}` : i < 6144 ? 'MSFT' : i % 2 ? 'é€' : 'x'))
    const side = Array.from({length: n}, (_, i) => (i < 5000 ? 'long' : 'short'))
    const index = Int32Array.from({length: n}, (_, i) => i)
    const x = Float64Array.from({length: n}, (_, i) => i / 4)
    await appendColumns(store.conn, 't', [{type: 'integer', values: index}, {type: 'varchar', values: s}, {type: 'varchar', values: side}, {type: 'double', values: x}], n)
    const rows = (await store.conn.runAndReadAll('SELECT i, s, side, x FROM t ORDER BY i')).getRowObjectsJS()
    assert.equal(rows.length, n)
    rows.forEach((r, i) => assert.deepEqual(r, {i, s: s[i], side: side[i], x: x[i]}, `row ${i}`))
  } finally {
    await closeStore(store)
  }
})
