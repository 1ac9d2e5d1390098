/** Resampling in DuckDB: OHLCV aggregation, session days in the market's zone, golden daily bars. */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {resampleBars} from '../../src/data/resample.js'
import {tempDir} from '../helpers/tmp.js'
import {DAY, MIN5, freshStore, iso} from './helpers.js'

describe('resampleBars', async () => {
  const {store} = await freshStore()
  const dir = tempDir()
  const csv = (name: string, rows: string[]) => {
    const f = path.join(dir, name)
    writeFileSync(f, ['datetime,open,high,low,close,volume', ...rows].join('\n') + '\n')
    return f
  }

  it('the 5-minute file resampled to days gives the daily file of the same series (golden)', async () => {
    await importFiles(store, [MIN5], {symbol: 'IDX5', timeLabel: 'close'})
    await importFiles(store, [DAY], {symbol: 'IDX'})
    const r = await resampleBars(store, {symbol: 'IDX5', from: '5M', to: '1D'})
    assert.deepEqual([r.sourceRows, r.rows, r.new, r.timezone], [2142, 21, 21, 'UTC'])
    const mine = await loadBars(store, {symbol: 'IDX5', timeframe: '1D'})
    const golden = await loadBars(store, {symbol: 'IDX', timeframe: '1D', start: mine.time[0], end: mine.time[mine.length - 1] + 1})
    assert.equal(golden.length, 21)
    assert.deepEqual([...mine.time], [...golden.time])
    // 83 of the 84 values agree exactly. The one that does not is in the source files themselves:
    // on 2006-01-27 the 5-minute bars' highest high is 3685.95, the daily file says 3685.48.
    const differ: string[] = []
    for (const f of ['open', 'high', 'low', 'close'] as const) {
      for (let i = 0; i < 21; i++) if (mine[f][i] !== golden[f][i]) differ.push(`${iso(mine.time[i]).slice(0, 10)} ${f} ${mine[f][i]} ${golden[f][i]}`)
    }
    assert.deepEqual(differ, ['2006-01-27 high 3685.95 3685.48'])
  })

  it('first open, max high, min low, last close, summed volume; a gap is not filled', async () => {
    const rows = [
      '2020-01-02 10:00:00,10,11,9,10.5,1', '2020-01-02 10:01:00,10.5,12,10,11,2', '2020-01-02 10:02:00,11,11.5,8,9,3',
      '2020-01-02 10:03:00,9,9.5,8.5,9.2,4', '2020-01-02 10:04:00,9.2,10,9,9.9,5',
      '2020-01-02 10:05:00,20,21,19,20.5,10', '2020-01-02 10:06:00,20.5,25,20,24,20', /* 10:07 missing */
      '2020-01-02 10:08:00,24,24,15,16,30', '2020-01-02 10:09:00,16,17,15.5,16.5,40',
      /* 10:10 .. 10:14 missing: no bar is invented */ '2020-01-02 10:15:00,30,31,29,30,1',
    ]
    await importFiles(store, [csv('m1.csv', rows)], {symbol: 'M1'})
    // As a 24/7 market: 10:05 and 10:15 hold fewer than five minutes. (Without a market, one is
    // guessed from these eleven minutes, open 10:00–10:16, in which the 10:15 bucket is whole.)
    const r = await resampleBars(store, {symbol: 'M1', from: '1M', to: '5M', market: '24/7'})
    assert.deepEqual([r.rows, r.partial], [3, 2])
    const b = await loadBars(store, {symbol: 'M1', timeframe: '5M'})
    assert.deepEqual([...b.time].map(iso), ['2020-01-02T10:00:00.000Z', '2020-01-02T10:05:00.000Z', '2020-01-02T10:15:00.000Z'])
    assert.deepEqual([...b.open], [10, 20, 30])
    assert.deepEqual([...b.high], [12, 25, 31])
    assert.deepEqual([...b.low], [8, 15, 29])
    assert.deepEqual([...b.close], [9.9, 16.5, 30])
    assert.deepEqual([...b.volume], [15, 100, 1])
  })

  it("daily bars are cut at the market's midnight, not UTC's, and stamped 00:00 local", async () => {
    // 23:58..00:02 UTC is 18:58..19:02 in New York: one New York day, two UTC days.
    const rows = ['2020-01-02 23:58:00', '2020-01-02 23:59:00', '2020-01-03 00:00:00', '2020-01-03 00:01:00'].map((t) => `${t},10,11,9,10,1`)
    await importFiles(store, [csv('night.csv', rows)], {symbol: 'NY', timeframe: '1M'})
    const ny = await resampleBars(store, {symbol: 'NY', from: '1M', to: '1D', timezone: 'America/New_York'})
    assert.deepEqual([ny.rows, ny.first], [1, '2020-01-02T05:00:00Z'])
    const b = await loadBars(store, {symbol: 'NY', timeframe: '1D'})
    assert.deepEqual([b.length, b.volume[0]], [1, 4])
    await resampleBars(store, {symbol: 'NY', from: '1M', to: '1D', timezone: 'UTC'})
    const utc = await loadBars(store, {symbol: 'NY', timeframe: '1D'})
    assert.deepEqual([...utc.time].map(iso), ['2020-01-02T00:00:00.000Z', '2020-01-02T05:00:00.000Z', '2020-01-03T00:00:00.000Z'])
  })

  it('hours follow the local clock (a :30 zone), and the zone defaults to the import\'s', async () => {
    const rows = ['2020-01-02 04:29:00', '2020-01-02 04:30:00', '2020-01-02 05:29:00', '2020-01-02 05:30:00'].map((t) => `${t},10,11,9,10,1`)
    await importFiles(store, [csv('kolkata.csv', rows)], {symbol: 'IN', timeframe: '1M', timezone: 'Asia/Kolkata'})
    // The naive times are Kolkata times (UTC+5:30): 04:29 and 04:30 local are 22:59 and 23:00 UTC,
    // two UTC hours but one local hour (04:00-05:00 local = 22:30-23:30 UTC).
    const r = await resampleBars(store, {symbol: 'IN', from: '1M', to: '1H'})
    assert.equal(r.timezone, 'Asia/Kolkata')
    const b = await loadBars(store, {symbol: 'IN', timeframe: '1H'})
    assert.deepEqual([...b.time].map(iso), ['2020-01-01T22:30:00.000Z', '2020-01-01T23:30:00.000Z'])
    assert.deepEqual([...b.volume], [2, 2])
  })

  it('refuses a target that is not a whole multiple, and a missing source', async () => {
    await assert.rejects(resampleBars(store, {symbol: 'M1', from: '5M', to: '7M'}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'data.resample')
    await assert.rejects(resampleBars(store, {symbol: 'M1', from: '1H', to: '1D'}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'data.missing')
  })
})
