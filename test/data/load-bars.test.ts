/** loadBars / loadAlignedBars: columns straight from DuckDB, time order, ranges, alignment. */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {importFiles} from '../../src/data/import.js'
import {loadAlignedBars} from '../../src/data/load-aligned-bars.js'
import {loadBars} from '../../src/data/load-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {DAY, ORCL, freshStore, iso, ms} from './helpers.js'

describe('loadBars', async () => {
  const {store} = await freshStore()
  await importFiles(store, [ORCL], {symbol: 'ORCL', timezone: 'America/New_York'})
  const dir = tempDir()

  it('returns Float64Array columns equal to the file, epoch-ms open times, ascending', async () => {
    const b = await loadBars(store, {symbol: 'ORCL', timeframe: '1D'})
    assert.equal(b.symbol, 'ORCL')
    assert.equal(b.timeframeMs, 86_400_000)
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      assert.ok(b[f] instanceof Float64Array)
      assert.equal(b[f].length, 5036)
    }
    for (let i = 1; i < b.length; i++) assert.ok(b.time[i] > b.time[i - 1])
    // Last line of the file: 2014-12-31,45.450001,45.560001,44.970001,44.970001,42.303135,13269200
    const last = b.length - 1
    assert.deepEqual([iso(b.time[last]), b.open[last], b.high[last], b.low[last], b.close[last], b.volume[last]],
      ['2014-12-31T05:00:00.000Z', 45.450001, 45.560001, 44.970001, 44.970001, 13269200])
  })

  it('start is inclusive, end exclusive (epoch ms)', async () => {
    const b = await loadBars(store, {symbol: 'ORCL', timeframe: '1D', start: ms('2014-12-29T05:00:00Z'), end: ms('2014-12-31T05:00:00Z')})
    assert.deepEqual([...b.time].map(iso), ['2014-12-29T05:00:00.000Z', '2014-12-30T05:00:00.000Z'])
    const none = await loadBars(store, {symbol: 'ORCL', timeframe: '1D', start: ms('2030-01-01T00:00:00Z')})
    assert.equal(none.length, 0)
  })

  it('a series the store does not have is an error that says what it does have', async () => {
    await assert.rejects(loadBars(store, {symbol: 'ORCL', timeframe: '5M'}), (e: unknown) => {
      assert.ok(e instanceof BotsError)
      assert.equal(e.diagnostic.code, 'data.missing')
      // 5M bars cannot be made from 1D bars: no resample command is suggested (test/newcomer/resample-hint).
      assert.match(e.hint ?? '', /ORCL at 1D: use that timeframe, or import 5M bars .*resampling only makes longer bars/)
      return true
    })
    await assert.rejects(loadBars(store, {symbol: 'NOPE', timeframe: '1D'}), /no 1D bars for NOPE/)
  })

  it('stays in time order after a re-import replaced bars in the middle (stored out of order)', async () => {
    const lines = readFileSync(DAY, 'utf8').trimEnd().split('\n')
    const all = path.join(dir, 'all.csv')
    const middle = path.join(dir, 'middle.csv')
    writeFileSync(all, lines.join('\n') + '\n')
    // Rows 100..109 again, each close raised by 1000 (high too, to stay consistent).
    const bumped = lines.slice(100, 110).map((l) => {
      const [d, o, h, lo, c, v, oi] = l.split(',')
      return [d, o, String(Number(h) + 1000), lo, String(Number(c) + 1000), v, oi].join(',')
    })
    writeFileSync(middle, [lines[0], ...bumped].join('\n') + '\n')
    await importFiles(store, [all], {symbol: 'D'})
    await importFiles(store, [middle], {symbol: 'D'})
    const stored = await store.conn.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM (SELECT ts, lag(ts) OVER (ORDER BY rowid) AS p FROM bar_rows WHERE series = (SELECT id FROM bar_series WHERE symbol = 'D')) WHERE ts < p`,
    )
    assert.ok(stored.getRowObjectsJS()[0].n > 0, 'the scenario must leave the bars stored out of time order')
    const b = await loadBars(store, {symbol: 'D', timeframe: '1D'})
    assert.equal(b.length, 255)
    for (let i = 1; i < b.length; i++) assert.ok(b.time[i] > b.time[i - 1], `not ascending at ${i}`)
    assert.equal(b.close[99], Number(lines[100].split(',')[4]) + 1000)
    assert.equal(b.close[110], Number(lines[111].split(',')[4]))
  })

  it('concurrent loads on one store do not share a connection', async () => {
    const [a, b] = await Promise.all([loadBars(store, {symbol: 'ORCL', timeframe: '1D'}), loadBars(store, {symbol: 'D', timeframe: '1D'})])
    assert.deepEqual([a.length, b.length], [5036, 255])
  })
})

describe('loadAlignedBars', async () => {
  const {store} = await freshStore()
  const dir = tempDir()
  const write = (name: string, rows: string[]) => {
    const f = path.join(dir, name)
    writeFileSync(f, ['Date,Open,High,Low,Close,Volume', ...rows].join('\n') + '\n')
    return f
  }
  await importFiles(store, [write('a.csv', ['2020-01-02,1,2,0.5,1.5,10', '2020-01-03,2,3,1.5,2.5,20', '2020-01-06,3,4,2.5,3.5,30'])], {symbol: 'A', timeframe: '1D'})
  await importFiles(store, [write('b.csv', ['2020-01-03,20,30,15,25,200', '2020-01-07,40,50,35,45,400'])], {symbol: 'B', timeframe: '1D'})

  it('puts the symbols on the union of their times, with NaN where a symbol has no bar', async () => {
    const x = await loadAlignedBars(store, {symbols: ['A', 'B'], timeframe: '1D'})
    assert.deepEqual([...x.time].map((t) => iso(t).slice(0, 10)), ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07'])
    assert.deepEqual(x.symbols, ['A', 'B'])
    assert.equal(x.bars.A.time, x.time)
    assert.equal(x.bars.B.time, x.time)
    assert.deepEqual([...x.bars.A.close], [1.5, 2.5, 3.5, NaN])
    assert.deepEqual([...x.bars.B.open], [NaN, 20, NaN, 40])
    assert.deepEqual([...x.bars.B.volume], [NaN, 200, NaN, 400])
  })

  it('honours the range and refuses a symbol without bars', async () => {
    const x = await loadAlignedBars(store, {symbols: ['B', 'A'], timeframe: '1D', start: ms('2020-01-03T00:00:00Z'), end: ms('2020-01-07T00:00:00Z')})
    assert.deepEqual([x.length, x.bars.B.close[0], x.bars.A.close[1]], [2, 25, 3.5])
    await assert.rejects(loadAlignedBars(store, {symbols: ['A', 'C'], timeframe: '1D'}), /no 1D bars for C/)
  })
})
