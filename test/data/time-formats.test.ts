/** How times in files become UTC open times: zones, offsets, epochs, split columns, formats. */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {importFiles, type ImportOptions} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore, iso} from './helpers.js'

describe('time formats', async () => {
  const {store} = await freshStore()
  const dir = tempDir()
  let n = 0
  /** Import `csv` under a fresh symbol; return the stored open times as ISO strings. */
  async function times(csv: string, opts: Partial<ImportOptions> = {}): Promise<string[]> {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, csv)
    const r = await importFiles(store, [file], {symbol, ...opts})
    assert.equal(r.rejected, 0, JSON.stringify(r.files[0].rejections))
    const bars = await loadBars(store, {symbol, timeframe: r.timeframe})
    return [...bars.time].map(iso)
  }
  const row = ',10,11,9,10.5,100'

  it('naive times are read in --tz, across a DST change', async () => {
    const csv = `Datetime,Open,High,Low,Close,Volume\n2020-03-06 09:30:00${row}\n2020-03-09 09:30:00${row}\n`
    assert.deepEqual(await times(csv, {timezone: 'America/New_York', timeframe: '1M'}), ['2020-03-06T14:30:00.000Z', '2020-03-09T13:30:00.000Z'])
  })

  it('ISO strings with an offset or Z keep it, whatever --tz says', async () => {
    const csv = `timestamp,open,high,low,close,volume\n2020-01-02T09:30:00-05:00${row}\n2020-01-02T14:31:00Z${row}\n2020-01-02 20:02:00+05:30${row}\n`
    assert.deepEqual(await times(csv, {timezone: 'Asia/Tokyo', timeframe: '1M'}), [
      '2020-01-02T14:30:00.000Z',
      '2020-01-02T14:31:00.000Z',
      '2020-01-02T14:32:00.000Z',
    ])
  })

  it('in UTC too, every offset form is honoured (the cheap naive path must not swallow one)', async () => {
    const lines = ['2020-01-02 10:00:00-05', '2020-01-02T16:01:00+01:00', '2020-01-02 15:02:00.000Z', '2020-01-02 15:03:00Z', '2020-01-02 15:04', ' 2020-01-02 15:05:00 ']
    const csv = `datetime,open,high,low,close,volume\n${lines.map((l) => `${l}${row}`).join('\n')}\n`
    assert.deepEqual(await times(csv, {timeframe: '1M'}), [
      '2020-01-02T15:00:00.000Z', '2020-01-02T15:01:00.000Z', '2020-01-02T15:02:00.000Z',
      '2020-01-02T15:03:00.000Z', '2020-01-02T15:04:00.000Z', '2020-01-02T15:05:00.000Z',
    ])
  })

  it('offsets after minutes without seconds, or after a space, are read too (found by an audit: all were rejected)', async () => {
    const lines = ['2024-11-03T01:30-04:00', '2024-11-03T01:31-0400', '2024-11-03 05:32Z', '2024-11-03 01:33:00 -04:00', '2024-11-03T06:34+01']
    const csv = `datetime,open,high,low,close,volume\n${lines.map((l) => `${l}${row}`).join('\n')}\n`
    const want = ['2024-11-03T05:30:00.000Z', '2024-11-03T05:31:00.000Z', '2024-11-03T05:32:00.000Z', '2024-11-03T05:33:00.000Z', '2024-11-03T05:34:00.000Z']
    assert.deepEqual(await times(csv, {timeframe: '1M'}), want)
    assert.deepEqual(await times(csv, {timeframe: '1M', timezone: 'America/New_York'}), want)
  })

  it('epoch seconds and milliseconds, told apart by size', async () => {
    const csv = `time,open,high,low,close,volume\n1577836800${row}\n1577836860000${row}\n`
    assert.deepEqual(await times(csv, {timeframe: '1M'}), ['2020-01-01T00:00:00.000Z', '2020-01-01T00:01:00.000Z'])
    const ms = `time,open,high,low,close,volume\n86400000${row}\n`
    assert.deepEqual(await times(ms, {timeframe: '1D', epochUnit: 'ms'}), ['1970-01-02T00:00:00.000Z'])
  })

  it('each unit covers 1970-04-26 to 2286 by size alone: milliseconds of 1972, microseconds and nanoseconds of 1971 (found by an audit: read as the year 5126)', async () => {
    const d = Date.parse('1972-06-01T00:00:00Z')
    const csv = `time,open,high,low,close,volume\n${d}${row}\n${d + 60_000}${row}\n`
    assert.deepEqual(await times(csv, {timeframe: '1M'}), ['1972-06-01T00:00:00.000Z', '1972-06-01T00:01:00.000Z'])
    const early = Date.parse('1971-01-01T00:00:00Z')
    const fine = `time,open,high,low,close,volume\n${early * 1000}${row}\n${(early + 60_000) * 1_000_000}${row}\n`
    assert.deepEqual(await times(fine, {timeframe: '1M'}), ['1971-01-01T00:00:00.000Z', '1971-01-01T00:01:00.000Z'])
    const late = Date.parse('2280-01-01T00:00:00Z') / 1000
    assert.deepEqual(await times(`time,open,high,low,close,volume\n${late}${row}\n`, {timeframe: '1D'}), ['2280-01-01T00:00:00.000Z'])
  })

  it('date and time in two columns, times marking bar ends (--time-label close)', async () => {
    const csv = `Date,Time,Open,High,Low,Close,Volume\n2006-01-02,09:05:00${row}\n2006-01-02,09:10:00${row}\n`
    assert.deepEqual(await times(csv, {timeLabel: 'close', timezone: 'Europe/Berlin'}), ['2006-01-02T08:00:00.000Z', '2006-01-02T08:05:00.000Z'])
  })

  it('a date alone is 00:00 local time in --tz', async () => {
    const csv = `Date,Open,High,Low,Close,Volume\n2020-07-01${row}\n2020-12-01${row}\n`
    assert.deepEqual(await times(csv, {timezone: 'America/New_York', timeframe: '1D'}), ['2020-07-01T04:00:00.000Z', '2020-12-01T05:00:00.000Z'])
  })

  it('a strptime format and mapped columns for other headers', async () => {
    const csv = `when;o;hi;lo;last;qty\n01/02/2020 10:00;10;11;9;10.5;100\n01/02/2020 10:05;10;11;9;10.5;100\n`
    const got = await times(csv, {datetimeFormat: '%m/%d/%Y %H:%M', columns: {datetime: 'when', high: 'hi', low: 'lo', close: 'last', volume: 'qty'}})
    assert.deepEqual(got, ['2020-01-02T10:00:00.000Z', '2020-01-02T10:05:00.000Z'])
  })

  it('dates without separators (20200102, 20200102093000) are dates, not epoch numbers', async () => {
    assert.deepEqual(await times(`Date,Open,High,Low,Close,Volume\n20200102${row}\n20200103${row}\n`), ['2020-01-02T00:00:00.000Z', '2020-01-03T00:00:00.000Z'])
    assert.deepEqual(await times(`ts,open,high,low,close,volume\n20200102093000${row}\n20200102093100${row}\n`), ['2020-01-02T09:30:00.000Z', '2020-01-02T09:31:00.000Z'])
  })

  it('an unreadable layout says how to describe it', async () => {
    const file = path.join(dir, 'dots.csv')
    writeFileSync(file, `Date,Open,High,Low,Close,Volume\n02.01.2020${row}\n`)
    const r = await importFiles(store, [file], {symbol: 'DOTS', timeframe: '1D'})
    assert.match(r.files[0].rejections[0].message, /time "02\.01\.2020" cannot be read .*--datetime-format/)
    assert.deepEqual(await times(`Date,Open,High,Low,Close,Volume\n02.01.2020${row}\n`, {datetimeFormat: '%d.%m.%Y', timeframe: '1D'}), ['2020-01-02T00:00:00.000Z'])
  })

  it('semicolon files with decimal commas, as spreadsheets in many locales write them', async () => {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, `Datum;Open;High;Low;Close;Volume\n2020-01-02;10,5;11,25;9,75;10,5;100\n`)
    await importFiles(store, [file], {symbol, timeframe: '1D', columns: {date: 'Datum'}})
    const bars = await loadBars(store, {symbol, timeframe: '1D'})
    assert.deepEqual([bars.open[0], bars.high[0], bars.low[0]], [10.5, 11.25, 9.75])
  })

  it('a decimal comma in a column the import ignores does not switch the numbers to decimal commas (found by an audit)', async () => {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, `Date;Open;High;Low;Close;Volume;Note\n2020-01-02;10.5;11.25;9.75;10.5;100;1,5\n2020-01-03;10.5;11.5;10;11;100;x\n`)
    const r = await importFiles(store, [file], {symbol, timeframe: '1D'})
    assert.equal(r.rejected, 0, JSON.stringify(r.files[0].rejections))
    const bars = await loadBars(store, {symbol, timeframe: '1D'})
    assert.deepEqual([...bars.high], [11.25, 11.5])
  })

  it('a decimal comma first written after the first row is seen (the first rows whole numbers); a stray one in a dot-decimal file is not', async () => {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, `Date;Open;High;Low;Close;Volume\n2020-01-02;10;11;9;10;100\n2020-01-03;10;11,5;9,75;11;100\n2020-01-06;11,25;12;11;11,5;100\n`)
    const r = await importFiles(store, [file], {symbol, timeframe: '1D'})
    assert.equal(r.rejected, 0, JSON.stringify(r.files[0].rejections))
    const bars = await loadBars(store, {symbol, timeframe: '1D'})
    assert.deepEqual([...bars.high], [11, 11.5, 12])
    const dots = path.join(dir, `${symbol}-dots.csv`)
    writeFileSync(dots, `Date;Open;High;Low;Close;Volume\n2020-01-02;10.5;11.5;9.5;10.5;100\n2020-01-03;10.5;11,5;9.5;11.5;100\n2020-01-06;11.5;12.5;11.5;12.5;100\n`)
    const d = await importFiles(store, [dots], {symbol: `${symbol}D`, timeframe: '1D'})
    assert.deepEqual([d.new, d.rejected], [2, 1])
  })

  it('an epoch column whose first time is empty is still read as epoch numbers (that row alone is unparsable)', async () => {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, `time,open,high,low,close,volume\n${row}\n1577836800${row}\n1577836860${row}\n`)
    const r = await importFiles(store, [file], {symbol, timeframe: '1M'})
    assert.deepEqual([r.new, r.rejected, r.files[0].rejections[0]?.rule], [2, 1, 'unparsable'])
    const bars = await loadBars(store, {symbol, timeframe: '1M'})
    assert.deepEqual([...bars.time].map(iso), ['2020-01-01T00:00:00.000Z', '2020-01-01T00:01:00.000Z'])
  })

  it('header names match case-insensitively; no volume column means volume 0', async () => {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, `DATETIME,OPEN,HIGH,LOW,CLOSE\n2020-01-02 10:00:00,10,11,9,10.5\n`)
    const r = await importFiles(store, [file], {symbol, timeframe: '1M'})
    const bars = await loadBars(store, {symbol, timeframe: '1M'})
    assert.deepEqual([bars.open[0], bars.close[0], bars.volume[0]], [10, 10.5, 0])
    assert.deepEqual(r.warnings, [], 'no column looks like a volume: nothing to say')
  })

  it('volume 0 with a column that looks like one (Volume BTC, Volume USD) is a warning naming them (found by an audit)', async () => {
    const symbol = `S${++n}`
    const file = path.join(dir, `${symbol}.csv`)
    writeFileSync(file, `date,open,high,low,close,Volume BTC,Volume USD\n2020-01-02 10:00:00,10,11,9,10.5,2,21\n`)
    const r = await importFiles(store, [file], {symbol, timeframe: '1M'})
    assert.deepEqual(r.warnings, [`${symbol}.csv: no column is named volume (the file has Volume BTC, Volume USD), so every bar's volume is stored as 0; name one with --column volume=NAME`])
    const named = await importFiles(store, [file], {symbol, timeframe: '1M', columns: {volume: 'Volume BTC'}})
    assert.deepEqual(named.warnings, [])
    assert.equal((await loadBars(store, {symbol, timeframe: '1M'})).volume[0], 2)
  })

  it('Parquet files, with typed timestamps and their own row numbers', async () => {
    const file = path.join(dir, 'bars.parquet')
    await store.conn.run(
      `COPY (SELECT TIMESTAMP '2020-01-02 10:00:00' + to_minutes(i::BIGINT) AS ts, 10.0 AS open, 11.0 AS high,
         CASE WHEN i = 2 THEN 12.0 ELSE 9.0 END AS low, 10.5 AS close, 100::BIGINT AS volume FROM range(4) t(i))
       TO '${file}' (FORMAT parquet)`,
    )
    const r = await importFiles(store, [file], {symbol: 'PQ', timezone: 'America/New_York'})
    assert.equal(r.files[0].format, 'parquet')
    assert.deepEqual([r.timeframe, r.new, r.rejected], ['1M', 3, 1])
    assert.deepEqual([r.files[0].rejections[0].row, r.files[0].rejections[0].line, r.files[0].rejections[0].rule], [3, undefined, 'ohlc'])
    assert.equal(r.files[0].first, '2020-01-02T15:00:00Z')
  })
})

describe('a timeframe longer than the file\'s spacing', async () => {
  const {store} = await freshStore()
  it('is refused: daily rows stored as 1W bars would overlap (found by an audit: the backtest ran five "weeks" a week)', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'daily.csv')
    const days = Array.from({length: 40}, (_, k) => new Date(Date.UTC(2024, 0, 1) + k * 86_400_000).toISOString().slice(0, 10))
    writeFileSync(file, `Date,Open,High,Low,Close,Volume\n${days.map((d) => `${d},10,11,9,10.5,100`).join('\n')}\n`)
    await assert.rejects(importFiles(store, [file], {symbol: 'W', timeframe: '1W'}), (e: unknown) => {
      assert.ok(e instanceof BotsError)
      assert.equal(e.diagnostic.code, 'data.timeframe_mismatch')
      assert.match(e.message, /daily\.csv: its bars are mostly 1D apart, closer than the 1W timeframe/)
      assert.match(e.hint!, /bots data resample W --from 1D --to 1W/)
      return true
    })
    assert.equal((await importFiles(store, [file], {symbol: 'D', timeframe: '1D'})).new, 40)
  })
})

describe('the grid of bars over 15 minutes', async () => {
  const {store} = await freshStore()
  const hours = (day: string, minute: string) => ['09', '10', '11', '12', '13', '14', '15'].map((h) => `${day} ${h}:${minute}:00`)
  async function load(name: string, times: string[], tf: string) {
    const file = path.join(tempDir(), `${name}.csv`)
    writeFileSync(file, `Datetime,Open,High,Low,Close,Volume\n${times.map((t) => `${t},10,11,9,10.5,100`).join('\n')}\n`)
    return importFiles(store, [file], {symbol: name, timeframe: tf, timezone: 'America/New_York'})
  }

  it('hourly stock bars at :30 (09:30, 10:30, …) are on their grid (found by an audit: every one was rejected)', async () => {
    const r = await load('H30', [...hours('2024-03-04', '30'), ...hours('2024-03-05', '30')], '1H')
    assert.deepEqual([r.new, r.rejected], [14, 0])
  })

  it('a bar off the grid the others are on is still rejected; bars at :00 keep the plain grid', async () => {
    const times = [...hours('2024-03-04', '30'), '2024-03-05 09:45:00', ...hours('2024-03-05', '30').slice(1)]
    const r = await load('H45', times, '1H')
    assert.deepEqual([r.new, r.rejected, r.files[0].rejections[0]?.rule], [13, 1, 'alignment'])
    const plain = await load('H00', [...hours('2024-03-04', '00'), '2024-03-05 09:30:00'], '1H')
    assert.deepEqual([plain.new, plain.rejected], [7, 1])
  })
})
