/**
 * An import's `onStaged` (a backtest reading its bars from the staged rows) runs on a connection of
 * its own once the write's insert is under way (src/data/staged-reader.ts): the write goes on
 * without waiting for it, the staged rows stay until it is done, and its failure is the import's.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {DAY, freshStore} from './helpers.js'

const count = async (conn: import('@duckdb/node-api').DuckDBConnection, relation: string) =>
  Number((await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM ${relation}`)).getRowObjectsJS()[0].n)

describe('onStaged beside the write', () => {
  // The timeout only stops a hang (a write that waited for onStaged would never report 'done').
  it('the write reaches its end while onStaged waits, and the staged rows are still there for it', {timeout: 120_000}, async () => {
    const {store} = await freshStore()
    let written!: () => void
    const writeDone = new Promise<void>((resolve) => (written = resolve))
    let rows = -1
    const r = await importFiles(store, [DAY], {
      symbol: 'X',
      timeframe: '1D',
      onProgress: (p) => p.phase === 'done' && written(),
      onStaged: async (conn, good) => {
        await writeDone
        rows = await count(conn, good[0])
      },
    })
    assert.equal(r.new, 255)
    assert.equal(rows, 255)
  })

  it("a failing onStaged fails the import (after the write, which stands)", async () => {
    const {store} = await freshStore()
    await assert.rejects(
      importFiles(store, [DAY], {symbol: 'Y', timeframe: '1D', onStaged: async () => Promise.reject(new Error('reader broke'))}),
      /reader broke/,
    )
    assert.equal(await count(store.conn, `bar_rows`), 255)
  })
})
