/**
 * Many exports (Nasdaq.com, Investing.com, broker statements) list the newest bar first. Such a
 * file is imported whole and stored in time order, through every path of the import: the check
 * beside the write, `--on-error fail`, several files, and a spec's first use. Before, every row but
 * the first was rejected as unsorted (and the timeframe could not be detected).
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import type {Store} from '../../src/data/store.js'
import {ROOT} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore} from './helpers.js'

const DAILY = path.join(ROOT, 'examples/data/index-2006-daily.csv')
const lines = readFileSync(DAILY, 'utf8').trim().split('\n')
const [header, ...rows] = lines

function write(dir: string, name: string, body: string[]): string {
  const file = path.join(dir, name)
  writeFileSync(file, [header, ...body].join('\n') + '\n')
  return file
}

/** The series' rows in storage order: ascending times means the store keeps them in time order. */
async function storedTimes(store: Store, symbol: string): Promise<number[]> {
  const r = await store.conn.runAndReadAll(
    `SELECT epoch_ms(ts)::DOUBLE AS t FROM bar_rows WHERE series = (SELECT id FROM bar_series WHERE symbol = $symbol) ORDER BY rowid`,
    {symbol},
  )
  return r.getRowObjectsJS().map((x) => Number(x.t))
}

const ascending = (ts: readonly number[]) => ts.every((t, i) => i === 0 || t > ts[i - 1])

describe('a newest-first file', async () => {
  const dir = tempDir('bots-newest-first-')
  const oldestFirst = write(dir, 'old.csv', rows)
  const newestFirst = write(dir, 'new.csv', rows.slice().reverse())
  const {store} = await freshStore()
  const reference = await (async () => {
    await importFiles(store, [oldestFirst], {symbol: 'REF', timeframe: '1D'})
    return loadBars(store, {symbol: 'REF', timeframe: '1D'})
  })()

  for (const [how, opts] of [
    ['checked beside the write', {}],
    ['with --on-error fail', {onError: 'fail'}],
  ] as const) {
    it(`is imported whole and stored in time order (${how}), its timeframe detected`, async () => {
      const symbol = `NF-${how}`
      const r = await importFiles(store, [newestFirst], {symbol, ...opts})
      assert.equal(r.timeframe, '1D')
      assert.deepEqual([r.new, r.rejected, r.files[0].newestFirst], [rows.length, 0, true])
      assert.ok(ascending(await storedTimes(store, symbol)), 'stored in time order')
      const bars = await loadBars(store, {symbol, timeframe: '1D'})
      assert.deepEqual([Array.from(bars.time), Array.from(bars.close)], [Array.from(reference.time), Array.from(reference.close)])
    })
  }

  it('in one import of two files, each file keeps its own direction', async () => {
    const half = Math.floor(rows.length / 2)
    const first = write(dir, 'first-half.csv', rows.slice(0, half))
    const second = write(dir, 'second-half-newest-first.csv', rows.slice(half).reverse())
    const r = await importFiles(store, [first, second], {symbol: 'TWO', timeframe: '1D'})
    assert.deepEqual(r.files.map((f) => f.newestFirst), [false, true])
    assert.equal(r.new, rows.length)
    assert.ok(ascending(await storedTimes(store, 'TWO')))
  })

  it('an oldest-first file is not read as newest first', async () => {
    const r = await importFiles(store, [oldestFirst], {symbol: 'OLD', timeframe: '1D'})
    assert.equal(r.files[0].newestFirst, false)
  })

  it('a row out of its newest-first order, and a repeat, are rejected and named; the rest is stored', async () => {
    const body = rows.slice().reverse()
    ;[body[5], body[6]] = [body[6], body[5]] // file lines 7 and 8: the older day now comes first
    body.push(body[20]) // a repeat of line 22, at the end
    const file = write(dir, 'mixed.csv', body)
    const r = await importFiles(store, [file], {symbol: 'MIX', timeframe: '1D'})
    const f = r.files[0]
    assert.equal(f.newestFirst, true)
    // Dropping either of the two keeps the rest in order: the lower one goes (stage.ts, markUnsorted).
    assert.deepEqual(f.rejections.map((x) => [x.line, x.rule]), [[8, 'unsorted'], [body.length + 1, 'duplicate']])
    assert.match(f.rejections[0].message, /is later than line 7 \(.*\), which comes before it in this newest-first file/)
    assert.match(f.rejections[1].message, /repeats line 22/)
    assert.equal(r.new, rows.length - 1)
    assert.ok(ascending(await storedTimes(store, 'MIX')))
  })
})

describe('a newest-first file on a spec\'s first use', () => {
  it('runs as the same file oldest first does', async () => {
    const dir = tempDir('bots-newest-first-spec-')
    const spec = (csv: string, db: string) => {
      const file = path.join(dir, `${db}.yaml`)
      writeFileSync(file, `name: idx\nstrategy: {name: sma-cross, params: {fast: 5, slow: 20}}\nsymbols: [IDX]\ntimeframe: 1D\nmarket: NYSE\ndata: {source: file, path: ${csv}, db: ${path.join(dir, `${db}.duckdb`)}}\n`)
      return file
    }
    const old = await backtestSpecFile({file: spec(write(dir, 'old.csv', rows), 'old')})
    const nf = await backtestSpecFile({file: spec(write(dir, 'new.csv', rows.slice().reverse()), 'new')})
    assert.equal(nf.imports[0].import?.files[0].newestFirst, true)
    assert.equal(nf.imports[0].import?.new, rows.length)
    assert.ok(old.result.counts.trades > 0)
    assert.deepEqual(nf.result.trades, old.result.trades)
    assert.deepEqual(nf.summary, old.summary)
  })
})
