/** The three real files of test/fixtures/data, imported as a user would. */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {tempDir} from '../helpers/tmp.js'
import {importFiles} from '../../src/data/import.js'
import {listSeries} from '../../src/data/catalog.js'
import {loadBars} from '../../src/data/load-bars.js'
import {DAY, MIN5, ORCL, freshStore, iso, ms} from './helpers.js'

/** DAY's rows 1..100 in `first`, rows 51..150 in `second` with every price times `prices`. */
function overlappingFiles(prices = 1): {lines: string[]; first: string; second: string} {
  const lines = readFileSync(DAY, 'utf8').trimEnd().split('\n')
  const dir = tempDir()
  const first = path.join(dir, 'first.csv')
  const second = path.join(dir, 'second.csv')
  const scaled = lines.slice(51, 151).map((l) => l.split(',').map((v, i) => (i >= 1 && i <= 4 && prices !== 1 ? String(Number(v) * prices) : v)).join(','))
  writeFileSync(first, [lines[0], ...lines.slice(1, 101)].join('\n') + '\n')
  writeFileSync(second, [lines[0], ...scaled].join('\n') + '\n')
  return {lines, first, second}
}

describe('importing the real files', async () => {
  const {store} = await freshStore()

  it('ORCL daily (Yahoo format): unadjusted OHLC, Adj Close ignored, dates as 00:00 New York time', async () => {
    const r = await importFiles(store, [ORCL], {symbol: 'ORCL', timezone: 'America/New_York'})
    assert.equal(r.timeframe, '1D')
    assert.equal(r.timeframeDetected, true)
    assert.deepEqual([r.rows, r.new, r.replaced, r.rejected], [5036, 5036, 0, 0])
    assert.equal(r.files[0].first, '1995-01-03T05:00:00Z') // EST: UTC-5
    assert.equal(r.files[0].last, '2014-12-31T05:00:00Z')
    const bars = await loadBars(store, {symbol: 'ORCL', timeframe: '1D'})
    assert.equal(bars.length, 5036)
    // 1995-01-03,2.179012,2.191358,2.117284,2.117284,1.883304,36301200: Close, not Adj Close.
    assert.deepEqual([bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]], [2.179012, 2.191358, 2.117284, 2.117284, 36301200])
    // A summer date is 00:00 EDT = 04:00 UTC.
    const july = bars.time.findIndex((t) => t >= ms('2014-07-01T00:00:00Z'))
    assert.equal(iso(bars.time[july]), '2014-07-01T04:00:00.000Z')
  })

  it('2006-min-005 (Date and Time columns, times mark bar ends): --time-label close gives 09:00 opens', async () => {
    const r = await importFiles(store, [MIN5], {symbol: 'IDX', timeLabel: 'close'})
    assert.equal(r.timeframe, '5M')
    assert.deepEqual([r.rows, r.new, r.rejected], [2142, 2142, 0])
    assert.equal(r.files[0].first, '2006-01-02T09:00:00Z')
    assert.equal(r.files[0].last, '2006-01-30T17:25:00Z')
    const bars = await loadBars(store, {symbol: 'IDX', timeframe: '5M', start: ms('2006-01-02T00:00:00Z'), end: ms('2006-01-03T00:00:00Z')})
    assert.equal(bars.length, 102) // 21 sessions of 102 bars
    assert.deepEqual([bars.open[0], bars.high[0], bars.low[0], bars.close[0]], [3578.73, 3587.88, 3578.73, 3582.99])
  })

  it('2006-day-001 daily, in UTC by default', async () => {
    const r = await importFiles(store, [DAY], {symbol: 'IDX'})
    assert.deepEqual([r.timeframe, r.rows, r.new, r.rejected, r.warnings], ['1D', 255, 255, 0, []])
    assert.equal(r.files[0].first, '2006-01-02T00:00:00Z')
  })

  it('a timeframe shorter than the data\'s spacing is allowed, with a warning', async () => {
    const r = await importFiles(store, [DAY], {symbol: 'IDX-AS-MINUTES', timeframe: '1M'})
    assert.equal(r.new, 255)
    assert.deepEqual(r.warnings, ['2006-day-001.txt: its bars are mostly 1D apart, but are stored as 1M bars'])
  })

  it('re-importing is idempotent: nothing new, every row replaced, the same bars', async () => {
    const before = await loadBars(store, {symbol: 'ORCL', timeframe: '1D'})
    const r = await importFiles(store, [ORCL], {symbol: 'ORCL', timezone: 'America/New_York', timeframe: '1d'})
    assert.deepEqual([r.new, r.replaced, r.rejected], [0, 5036, 0])
    const after = await loadBars(store, {symbol: 'ORCL', timeframe: '1D'})
    assert.deepEqual(after, before)
    const series = await listSeries(store)
    assert.deepEqual(
      series.map((s) => [s.symbol, s.timeframe, s.rows]),
      [['IDX', '5M', 2142], ['IDX', '1D', 255], ['IDX-AS-MINUTES', '1M', 255], ['ORCL', '1D', 5036]],
    )
  })

  it('an overlapping import adds only what is new and replaces the overlap', async () => {
    const {store: s2} = await freshStore()
    const {first, second} = overlappingFiles()
    assert.equal((await importFiles(s2, [first], {symbol: 'X'})).new, 100)
    const r = await importFiles(s2, [second], {symbol: 'X'})
    assert.deepEqual([r.new, r.replaced], [50, 50])
    assert.equal((await loadBars(s2, {symbol: 'X', timeframe: '1D'})).length, 150)
  })

  it('two overlapping files in one import: the second replaces the overlap the first (new series) wrote', async () => {
    const {store: s3} = await freshStore()
    const {lines, first, second} = overlappingFiles(2) // the second's prices doubled: the stored overlap shows which file it came from
    const r = await importFiles(s3, [first, second], {symbol: 'Y'})
    assert.deepEqual([r.new, r.replaced, r.files[0].new, r.files[1].new, r.files[1].replaced], [150, 50, 100, 50, 50])
    const bars = await loadBars(s3, {symbol: 'Y', timeframe: '1D'})
    assert.equal(bars.length, 150)
    const plain = Number(lines[60].split(',')[4])
    assert.equal(bars.close[59], plain * 2, 'row 60 is from the second file')
    assert.equal(bars.close[10], Number(lines[11].split(',')[4]), 'row 11 is from the first file')
  })
})
