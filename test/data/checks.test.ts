/**
 * Each data rule, broken by a hand-written file in test/fixtures/data/bad (see its README), is
 * reported with the file's line number (header = line 1) and its data row; `--on-error` decides
 * what happens to the rest.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {tempDir} from '../helpers/tmp.js'
import {BotsError} from '../../src/core/errors.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {listSeries} from '../../src/data/catalog.js'
import {bad, freshStore} from './helpers.js'

const cases = [
  {file: 'unparsable.csv', tf: '1D', rule: 'unparsable', lines: [3, 4, 5, 6], kept: 2, text: [/Open "abc" is not a number/, /expected 6 columns, found 5/, /time "not-a-date" cannot be read/, /missing or unreadable volume/]},
  {file: 'price.csv', tf: '1D', rule: 'price', lines: [3, 4, 5, 6], kept: 2, text: [/open NaN is not a positive number/, /low 0 is not a positive number/, /open -1 .*low -2 /, /high Infinity/]},
  {file: 'ohlc.csv', tf: '1D', rule: 'ohlc', lines: [3, 4, 5], kept: 2, text: [/high 10.2 is below max\(open 10, close 10.5\)/, /low 10.1 is above min\(open 10, close 10.5\)/, /high 9 is below/]},
  {file: 'volume.csv', tf: '1D', rule: 'volume', lines: [3], kept: 2, text: [/volume -5 is negative/]},
  {file: 'duplicate.csv', tf: '1D', rule: 'duplicate', lines: [4], kept: 3, text: [/time 2020-01-03T00:00:00Z repeats line 3/]},
  {file: 'unsorted.csv', tf: '1D', rule: 'unsorted', lines: [4], kept: 3, text: [/time 2020-01-03T00:00:00Z is earlier than line 3 \(2020-01-06T00:00:00Z\)/]},
  {file: 'alignment.csv', tf: '5M', rule: 'alignment', lines: [4, 5], kept: 3, text: [/2020-01-02T10:12:00Z is not on the 5M grid/, /10:15:30Z is not on the 5M grid/]},
] as const

describe('data rules, --on-error reject (the default)', async () => {
  const {store} = await freshStore()
  for (const c of cases) {
    it(`${c.file}: ${c.rule} on lines ${c.lines.join(', ')}, the other rows imported`, async () => {
      const r = await importFiles(store, [bad(c.file)], {symbol: c.file, timeframe: c.tf})
      const f = r.files[0]
      assert.deepEqual(
        f.rejections.map((x) => [x.line, x.row, x.rule]),
        c.lines.map((l) => [l, l - 1, c.rule]),
      )
      f.rejections.forEach((x, i) => assert.match(x.message, c.text[i]))
      assert.equal(f.rejections[0].file, bad(c.file))
      assert.deepEqual([r.rejected, r.new, f.rejectedByRule[c.rule]], [c.lines.length, c.kept, c.lines.length])
      assert.equal((await loadBars(store, {symbol: c.file, timeframe: c.tf})).length, c.kept)
    })
  }

  it('a daily bar must start at local midnight in the import zone', async () => {
    const r = await importFiles(store, [bad('alignment.csv')], {symbol: 'D', timeframe: '1D', timezone: 'America/New_York'})
    assert.equal(r.rejected, 5)
    assert.match(r.files[0].rejections[0].message, /not at midnight in America\/New_York/)
  })
})

describe('--on-error skip and fail', async () => {
  const {store} = await freshStore()

  it('skip drops the bad rows silently but counts them', async () => {
    const r = await importFiles(store, [bad('ohlc.csv')], {symbol: 'S', onError: 'skip', timeframe: '1D'})
    assert.deepEqual([r.new, r.rejected, r.skipped, r.files[0].rejections.length], [2, 0, 3, 0])
  })

  it('fail imports nothing and points at the first bad line', async () => {
    await importFiles(store, [bad('volume.csv')], {symbol: 'F', onError: 'fail', timeframe: '1D'}).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => {
        assert.ok(e instanceof BotsError)
        assert.equal(e.diagnostic.code, 'data.volume')
        assert.equal(e.diagnostic.file, bad('volume.csv'))
        assert.equal(e.diagnostic.line, 3)
        assert.match(e.message, /1 row of volume.csv breaks the data rules; nothing was imported/)
      },
    )
    assert.deepEqual((await listSeries(store)).map((s) => s.symbol), ['S'])
  })

  it('several files are one transaction: a failing second file leaves the first unimported', async () => {
    await assert.rejects(
      importFiles(store, [bad('gaps.csv'), bad('alignment.csv')], {symbol: 'M', onError: 'fail', timeframe: '5M'}),
      (e: unknown) => e instanceof BotsError && e.diagnostic.line === 4,
    )
    assert.deepEqual((await listSeries(store)).map((s) => s.symbol), ['S'])
  })
})

describe('files and columns that cannot be used', async () => {
  const {store} = await freshStore()

  it('a missing file', async () => {
    await assert.rejects(importFiles(store, ['/no/such/file.csv'], {symbol: 'X'}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'data.file-missing')
  })

  it('a header without a price column names the columns it has', async () => {
    const f = `${tempDir()}/x.csv`
    writeFileSync(f, 'Date,Open,High,Low,Last\n2020-01-02,1,2,0.5,1.5\n')
    await assert.rejects(importFiles(store, [f], {symbol: 'X'}), (e: unknown) => {
      assert.ok(e instanceof BotsError)
      assert.equal(e.message, 'no close column found')
      assert.match(e.hint ?? '', /Date, Open, High, Low, Last; name it with --column close=NAME/)
      return true
    })
    const r = await importFiles(store, [f], {symbol: 'X', columns: {close: 'Last'}, timeframe: '1D'})
    assert.equal(r.new, 1)
  })

  it('line numbers stay right across blank lines, CRLF endings and rows DuckDB rejected', async () => {
    const f = `${tempDir()}/mixed.csv`
    const lines = ['Date,Open,High,Low,Close,Volume', '2020-01-02,1,2,0.5,1.5,10', '', '2020-01-03,x,2,0.5,1.5,10', '', '',
      '2020-01-06,1,2,0.5,1.5', '2020-01-07,1,1.2,0.5,1.5,10', '2020-01-08,1,2,0.5,1.5,-1']
    writeFileSync(f, lines.join('\r\n') + '\r\n')
    const r = await importFiles(store, [f], {symbol: 'MIXED', timeframe: '1D'})
    assert.deepEqual(r.files[0].rejections.map((x) => [x.line, x.rule]), [[4, 'unparsable'], [7, 'unparsable'], [8, 'ohlc'], [9, 'volume']])
  })

  it('a file where every row is unreadable: all counted, only the first 1000 listed', async () => {
    const f = `${tempDir()}/many.csv`
    const rows = Array.from({length: 20_000}, (_, i) => `${(20_000 + i) * 86_400},x,2,0.5,1.5,10`) // days apart, as a 1D file's
    writeFileSync(f, ['time,open,high,low,close,volume', ...rows].join('\n') + '\n')
    const r = await importFiles(store, [f], {symbol: 'MANY', timeframe: '1D'})
    assert.deepEqual([r.rejected, r.new, r.files[0].rejections.length], [20_000, 0, 1000])
    assert.deepEqual(r.files[0].rejections.at(-1), {file: f, line: 1001, row: 1000, rule: 'unparsable', message: 'open "x" is not a number'})
  })

  it("'infinity' is no bar's time: unparsable, and the rows beside it replace the overlap as usual", async () => {
    const dir = tempDir()
    const [a, b] = [path.join(dir, 'a.csv'), path.join(dir, 'b.csv')]
    writeFileSync(a, 'Date,Open,High,Low,Close,Volume\n2024-01-01,1,1,1,1,1\n2024-01-02,2,2,2,2,1\n')
    writeFileSync(b, 'Date,Open,High,Low,Close,Volume\n2024-01-02,5,5,5,5,1\n2024-01-03,6,6,6,6,1\ninfinity,7,7,7,7,1\n-infinity,8,8,8,8,1\n')
    const {store: s} = await freshStore()
    await importFiles(s, [a], {symbol: 'INF', timeframe: '1D'})
    const r = await importFiles(s, [b], {symbol: 'INF', timeframe: '1D'})
    assert.deepEqual(r.files[0].rejections.map((x) => [x.line, x.rule]), [[4, 'unparsable'], [5, 'unparsable']])
    assert.match(r.files[0].rejections[0].message, /time "infinity" cannot be read/)
    assert.deepEqual([r.new, r.replaced], [1, 1])
    assert.deepEqual([...(await loadBars(s, {symbol: 'INF', timeframe: '1D'})).close], [1, 5, 6])
  })

  it('an empty symbol and an unknown time zone', async () => {
    await assert.rejects(importFiles(store, [bad('volume.csv')], {symbol: ' '}), /the symbol is empty/)
    await assert.rejects(importFiles(store, [bad('volume.csv')], {symbol: 'X', timezone: 'America/New_Yrok'}), (e: unknown) => {
      assert.ok(e instanceof BotsError)
      assert.equal(e.diagnostic.code, 'data.timezone')
      return true
    })
  })
})
