/**
 * loadStagedChecked reads a first use's staged rows and says whether they came in file order with
 * strictly increasing times; when it says so, the import skips its duplicate and order check. So
 * it must say so exactly when that check would mark nothing: never for a repeated or falling
 * time, nor for rows read out of file order (here: a relation whose `row` does not rise).
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'
import fc from 'fast-check'
import type {DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import {DuckDBInstance as Instance} from '../../src/data/duckdb-api.js'
import {loadStagedChecked} from '../../src/data/load-bars.js'

let instance: DuckDBInstance
let conn: DuckDBConnection
before(async () => {
  instance = await Instance.create(':memory:')
  conn = await instance.connect()
})
after(() => {
  conn.closeSync()
  instance.closeSync()
})

/** A staged table of `times` (minutes) in `rows` order, as the relation readStaged gets. */
async function staged(times: number[], rows: number[]): Promise<string> {
  await conn.run('CREATE OR REPLACE TEMP TABLE t (ts TIMESTAMP, o DOUBLE, h DOUBLE, l DOUBLE, c DOUBLE, v DOUBLE, r BIGINT, k INTEGER)')
  const values = times.map((m, k) => `(make_timestamp_ms(${m * 60_000}::BIGINT), ${k + 1}, ${k + 2}, ${k}, ${k + 1.5}, ${k * 10}, ${rows[k]}, ${k})`)
  if (values.length) await conn.run(`INSERT INTO t VALUES ${values.join(', ')}`)
  return '(SELECT ts, o, h, l, c, v, r AS row FROM t ORDER BY k)'
}

const strictly = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1])

describe('loadStagedChecked', () => {
  it('is ordered exactly when rows and times both strictly increase, and reads every row as it came', async () => {
    const times = fc.array(fc.integer({min: 0, max: 40}), {maxLength: 30})
    await fc.assert(
      fc.asyncProperty(times, fc.boolean(), async (minutes, shuffleRows) => {
        const ascending = [...minutes].sort((a, b) => a - b)
        // Strictly increasing times (the common case), sorted with repeats (a duplicate row), or as drawn.
        const t = [[...new Set(ascending)], ascending, minutes][minutes.length % 3]
        const rows = t.map((_, k) => (shuffleRows && k === 1 ? -1 : k * 3))
        const r = await loadStagedChecked(conn, await staged(t, rows), {symbol: 'X', timeframe: '1M'})
        assert.ok(r)
        assert.equal(r.ordered, strictly(t) && strictly(rows), JSON.stringify({t, rows}))
        assert.deepEqual(Array.from(r.bars.time), t.map((m) => m * 60_000))
        assert.deepEqual(Array.from(r.bars.close), t.map((_, k) => k + 1.5))
      }),
      {numRuns: 150},
    )
  })

  it('reads nothing past maxRows', async () => {
    assert.equal(await loadStagedChecked(conn, await staged([1, 2, 3], [0, 1, 2]), {symbol: 'X', timeframe: '1M', maxRows: 2}), undefined)
  })
})
