/**
 * A file out of order loses the fewest rows: those outside a longest increasing run of its times
 * (stage.ts, longest-increasing.ts). Before, each row earlier than the row before it was dropped:
 * a typo year that jumped forward (2029 among 2020's rows) was kept and the good row after it
 * dropped, so the stored series ended in 2029; a block pasted out of place was kept and the series
 * stored out of time order. A block of rows in order among themselves but placed elsewhere is good
 * data out of place: kept, and stored in time order. Each dropped row is named with a kept row it
 * breaks order with, by line, and the duplicate rule still runs first.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import type {Store} from '../../src/data/store.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore} from './helpers.js'

/** `n` daily dates from 2020-03-01. */
const days = (n: number) => Array.from({length: n}, (_, i) => new Date(Date.UTC(2020, 2, 1 + i)).toISOString().slice(0, 10))
const row = (date: string) => `${date},10,11,9,10.5,100`

/** A CSV of one row per date; data row i (0-based) is on line i + 2. */
function write(dir: string, name: string, dates: string[]): string {
  const file = path.join(dir, name)
  writeFileSync(file, ['Date,Open,High,Low,Close,Volume', ...dates.map(row)].join('\n') + '\n')
  return file
}

const at = (date: string) => `${date}T00:00:00Z`

/** The series' times in storage order. */
async function storedTimes(store: Store, symbol: string): Promise<string[]> {
  const r = await store.conn.runAndReadAll(
    `SELECT strftime(ts, '%Y-%m-%d') AS d FROM bar_rows WHERE series = (SELECT id FROM bar_series WHERE symbol = $symbol) ORDER BY rowid`,
    {symbol},
  )
  return r.getRowObjectsJS().map((x) => String(x.d))
}

describe('unsorted rows: the fewest are dropped', async () => {
  const dir = tempDir('bots-unsorted-fewest-')
  const {store} = await freshStore()

  async function imported(symbol: string, dates: string[]) {
    const r = await importFiles(store, [write(dir, `${symbol}.csv`, dates)], {symbol, timeframe: '1D'})
    const f = r.files[0]
    const stored = await storedTimes(store, symbol)
    return {r, f, lines: f.rejections.map((x) => [x.line, x.rule]), stored}
  }

  it('a row that jumps forward (a typo year) is dropped, not the good row after it', async () => {
    const d = days(10)
    const file = d.slice()
    file[4] = '2029-03-05' // line 6
    const {r, f, lines, stored} = await imported('FWD', file)
    assert.deepEqual(lines, [[6, 'unsorted']])
    assert.match(f.rejections[0].message, /^time 2029-03-05T00:00:00Z is later than line 7 \(2020-03-06T00:00:00Z\), which comes after it: the file is not sorted$/)
    assert.equal(r.new, 9)
    assert.deepEqual(stored, d.filter((_, i) => i !== 4))
    const bars = await loadBars(store, {symbol: 'FWD', timeframe: '1D'})
    assert.equal(new Date(bars.time[bars.length - 1]).toISOString(), '2020-03-10T00:00:00.000Z')
  })

  it('a forward jump at the top of the file: the first row is dropped, named with the row after it', async () => {
    const d = days(6)
    const file = d.slice()
    file[0] = '2029-03-01'
    const {lines, f, stored} = await imported('TOP', file)
    assert.deepEqual(lines, [[2, 'unsorted']])
    assert.match(f.rejections[0].message, /^time 2029-03-01T00:00:00Z is later than line 3 \(2020-03-02T00:00:00Z\), which comes after it/)
    assert.deepEqual(stored, d.slice(1))
  })

  it('a row that jumps backward is dropped, named with the row before it', async () => {
    const d = days(10)
    const file = d.slice()
    file[5] = '2011-03-06' // line 7
    const {lines, f, stored} = await imported('BACK', file)
    assert.deepEqual(lines, [[7, 'unsorted']])
    assert.match(f.rejections[0].message, /^time 2011-03-06T00:00:00Z is earlier than line 6 \(2020-03-05T00:00:00Z\): the file is not sorted$/)
    assert.deepEqual(stored, d.filter((_, i) => i !== 5))
  })

  it('a block pasted too early: its bars are kept and stored in time order, nothing dropped', async () => {
    const d = days(20)
    // 0 1 2 [15 16 17] 3 … 14 18 19: the block is on lines 5 to 7.
    const file = [...d.slice(0, 3), ...d.slice(15, 18), ...d.slice(3, 15), ...d.slice(18)]
    const {lines, f, stored, r} = await imported('EARLY', file)
    assert.deepEqual(lines, [])
    assert.equal(f.misplaced, 3)
    assert.equal(r.new, 20)
    assert.deepEqual(stored, d)
  })

  it('two halves in the wrong order (exports joined the wrong way round): every bar kept, in time order', async () => {
    const d = days(16)
    const {lines, f, stored} = await imported('HALVES', [...d.slice(8), ...d.slice(0, 8)])
    assert.deepEqual(lines, [])
    assert.equal(f.misplaced, 8)
    assert.deepEqual(stored, d)
  })

  it('a block beside a typo: the block is kept, the row out of place on its own is dropped', async () => {
    const d = days(16)
    // 0 … 4 [11 12] 5 … 9 2029 13 14 15: 11 and 12 (lines 7, 8) came six rows early; 2029 on line 14.
    const file = [...d.slice(0, 5), ...d.slice(11, 13), ...d.slice(5, 10), '2029-03-11', ...d.slice(13)]
    const {lines, f, stored} = await imported('LATE', file)
    assert.deepEqual(lines, [[14, 'unsorted']])
    assert.equal(f.misplaced, 2)
    assert.deepEqual(stored, d.filter((_, i) => i !== 10))
  })

  it('of two equal choices the row higher in the file stays: two swapped rows drop the second', async () => {
    const d = days(6)
    const file = d.slice()
    ;[file[2], file[3]] = [file[3], file[2]] // lines 4 and 5
    const {lines, f} = await imported('SWAP', file)
    assert.deepEqual(lines, [[5, 'unsorted']])
    assert.match(f.rejections[0].message, /^time 2020-03-03T00:00:00Z is earlier than line 4 \(2020-03-04T00:00:00Z\): the file is not sorted$/)
  })

  it('with duplicates: the duplicate rule runs first, then the fewest rows go, each named by its line', async () => {
    const d = days(12)
    // 0 1 2 3 4 4 2029 6 7 7 8 … : a repeat on line 7, a typo year on line 8, a repeat on line 11.
    const file = [...d.slice(0, 5), d[4], '2029-03-06', d[6], d[7], d[7], ...d.slice(8)]
    const {lines, f, stored} = await imported('DUP', file)
    assert.deepEqual(lines, [[7, 'duplicate'], [8, 'unsorted'], [11, 'duplicate']])
    assert.match(f.rejections[0].message, /repeats line 6$/)
    assert.match(f.rejections[1].message, /^time 2029-03-06T00:00:00Z is later than line 9 \(2020-03-07T00:00:00Z\), which comes after it/)
    assert.match(f.rejections[2].message, /repeats line 10$/)
    assert.deepEqual(stored, d.filter((_, i) => i !== 5))
  })

  it('a newest-first file with one bad row: that row goes, and the file is still read newest first', async () => {
    const d = days(20)
    const file = d.slice().reverse() // line i + 2 holds day 19 - i
    file[9] = '2029-03-11' // line 11, day 10 of 2029
    const {lines, f, stored} = await imported('NF', file)
    assert.equal(f.newestFirst, true)
    assert.deepEqual(lines, [[11, 'unsorted']])
    // Newest first, a row above it must be later: line 10 (day 11) is earlier.
    assert.match(f.rejections[0].message, /^time 2029-03-11T00:00:00Z is later than line 10 \(2020-03-12T00:00:00Z\), which comes before it in this newest-first file: the file is not sorted$/)
    assert.deepEqual(stored, d.filter((_, i) => i !== 10))
  })

  it('a newest-first file with a row that jumps back in time, and a repeat: each row named with one it breaks order with', async () => {
    const d = days(20)
    const file = d.slice().reverse()
    file[3] = '2011-03-17' // line 5
    file.splice(8, 0, file[7]) // line 10 repeats line 9
    const {lines, f, stored} = await imported('NF2', file)
    assert.equal(f.newestFirst, true)
    assert.deepEqual(lines, [[5, 'unsorted'], [10, 'duplicate']])
    assert.match(f.rejections[0].message, /^time 2011-03-17T00:00:00Z is earlier than line 6 \(2020-03-16T00:00:00Z\), which comes after it in this newest-first file: the file is not sorted$/)
    assert.match(f.rejections[1].message, /repeats line 9$/)
    assert.deepEqual(stored, d.filter((_, i) => i !== 16))
  })

  it('a newest-first file with two swapped rows: the lower one goes (the top of the file is kept, as for duplicates)', async () => {
    const d = days(8)
    const file = d.slice().reverse()
    ;[file[3], file[4]] = [file[4], file[3]] // lines 5 and 6
    const {lines, f} = await imported('NFSWAP', file)
    assert.deepEqual(lines, [[6, 'unsorted']])
    assert.match(f.rejections[0].message, /^time 2020-03-05T00:00:00Z is later than line 5 \(2020-03-04T00:00:00Z\), which comes before it in this newest-first file/)
  })
})

describe('unsorted rows through the CLI', () => {
  it('bots data import drops the typo year, not the good row after it, and says which line each dropped row breaks order with', async () => {
    const dir = tempDir('bots-unsorted-fewest-cli-')
    const db = path.join(dir, 'cli.duckdb')
    const d = days(10)
    // A repeat on line 4, a typo year on line 7.
    const file = write(dir, 'typo.csv', [d[0], d[1], d[1], d[2], d[3], '2029-03-05', ...d.slice(5)])
    const r = await runCli(['data', 'import', file, '--symbol', 'T', '--timeframe', '1D', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /typo\.csv: 11 rows: 9 new, 0 replaced, 2 rejected/)
    assert.match(r.stdout, /typo\.csv:4 {2}duplicate: time 2020-03-02T00:00:00Z repeats line 3/)
    assert.match(r.stdout, new RegExp(`typo\\.csv:7 {2}unsorted: time ${at('2029-03-05')} is later than line 8 \\(${at('2020-03-06')}\\), which comes after it: the file is not sorted`))
    const list = parseJson(await runCli(['data', 'list', '--json', '--db', db]))
    assert.deepEqual(list.map((s: {symbol: string; rows: number; last: string}) => [s.symbol, s.rows, s.last]), [['T', 9, at('2020-03-10')]])
  })
})
