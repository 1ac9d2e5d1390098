/**
 * A first use reads its bars from the import's staged rows (`readStaged`), and that read is the
 * import's duplicate and order check. It runs on a connection of its own while the import already
 * writes the rows (import.ts, order-checks.ts): the write must not wait for it, and nothing it
 * wrote may be committed or read as bars (`onStaged`) before the read has said the rows are in order.
 */
import assert from 'node:assert/strict'
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {loadStagedChecked} from '../../src/data/load-bars.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const FILE = path.join(ROOT, 'examples/data/index-2006-daily.csv')

/** Settles once its `open()` has been called. */
function gate(): {opened: Promise<void>; open: () => void} {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return {opened, open}
}

describe('import: the first use\'s read of the staged rows runs beside the write', () => {
  // Were the write to wait for the read, each would wait for the other: nothing left to run, and
  // node:test fails the test ("Promise resolution is still pending but the event loop has already resolved").
  it('the write starts while the read still runs; the bars come from the read, the store gets every row', async () => {
    const dir = tempDir('bots-read-beside-')
    const file = path.join(dir, 'idx.csv')
    copyFileSync(FILE, file)
    const store = await openStore({path: path.join(dir, 's.duckdb')})
    try {
      const writing = gate()
      const events: string[] = []
      let barCount = -1
      const result = await importFiles(store, [file], {
        symbol: 'IDX', timeframe: '1D', timezone: 'America/New_York',
        onProgress: (p) => {
          if (p.phase === 'write') writing.open()
        },
        readStaged: async (conn, good) => {
          await writing.opened // only the write going ahead lets this read finish
          events.push('read')
          const r = await loadStagedChecked(conn, good, {symbol: 'IDX', timeframe: 86_400_000})
          barCount = r?.bars.length ?? -1
          return r?.ordered === true
        },
        onStaged: async () => {
          events.push('onStaged')
        },
      })
      assert.deepEqual(events, ['read', 'onStaged'], 'onStaged starts once the read said the rows are in order')
      assert.equal(barCount, 255)
      assert.equal(result.new, 255)
      assert.equal(result.rejected, 0)
    } finally {
      await closeStore(store)
    }
  })

  it('a read that finds a repeated row: the optimistic write is rolled back, the row marked, the rest written; onStaged reads only after', async () => {
    const dir = tempDir('bots-read-beside-')
    const file = path.join(dir, 'idx.csv')
    const lines = readFileSync(FILE, 'utf8').trim().split('\n')
    lines.splice(21, 0, lines[20]) // row 20 twice
    writeFileSync(file, lines.join('\n') + '\n')
    const store = await openStore({path: path.join(dir, 's.duckdb')})
    try {
      const writing = gate()
      let reads = 0
      let staged: number[] = []
      const result = await importFiles(store, [file], {
        symbol: 'IDX', timeframe: '1D', timezone: 'America/New_York',
        onProgress: (p) => {
          if (p.phase === 'write') writing.open()
        },
        readStaged: async (conn, good) => {
          await writing.opened
          reads++
          return (await loadStagedChecked(conn, good, {symbol: 'IDX', timeframe: 86_400_000}))?.ordered === true
        },
        onStaged: async (conn, good) => {
          const rows = (await conn.runAndReadAll(`SELECT epoch_ms(ts)::DOUBLE AS t FROM ${good[0]}`)).getRowObjectsJS()
          staged = rows.map((r) => Number(r.t))
        },
      })
      assert.equal(reads, 1)
      assert.deepEqual(result.files[0].rejectedByRule, {unparsable: 0, nonexistent: 0, price: 0, ohlc: 0, volume: 0, alignment: 0, duplicate: 1, unsorted: 0})
      assert.equal(result.new, 255)
      assert.equal(staged.length, 255, 'onStaged saw the rows that were stored, the repeat marked')
      assert.ok(staged.every((t, i) => i === 0 || t > staged[i - 1]))
      const stored = (await store.conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n, count(DISTINCT ts)::DOUBLE AS d FROM bars WHERE symbol = 'IDX'`)).getRowObjectsJS()[0]
      assert.deepEqual(stored, {n: 255, d: 255})
    } finally {
      await closeStore(store)
    }
  })
})
