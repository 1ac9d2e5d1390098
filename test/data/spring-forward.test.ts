/**
 * Naive local times at a spring-forward (found by an audit): 02:00 on 10 March 2024 does not
 * exist in New York. DuckDB read it as 03:00 EDT, and the file's real 03:00 row was then rejected
 * as its duplicate: the 02:00 row's prices were stored at 03:00. Such a row is now rejected as
 * `nonexistent`, and the real 03:00 row kept. Times with an offset, epochs, and days in other
 * zones are not touched.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore, ms} from './helpers.js'

/** Rows `…time…,open,high,low,close,volume`, the open counting up from 1 in file order. */
function csv(dir: string, name: string, header: string, times: string[]): string {
  const file = path.join(dir, name)
  writeFileSync(file, [header, ...times.map((t, i) => `${t},${1 + i},${2 + i},${0.5 + i},${1.5 + i},1`)].join('\n') + '\n')
  return file
}

describe('a local time the clocks skip', async () => {
  const dir = tempDir('bots-spring-forward-')
  const {store} = await freshStore()
  const ny = {timezone: 'America/New_York', timeframe: '1H'}

  it('date and time columns: 02:00 is rejected as nonexistent, 03:00 keeps its own prices', async () => {
    const file = csv(dir, 'split.csv', 'Date,Time,Open,High,Low,Close,Volume', ['2024-03-10,01:00', '2024-03-10,02:00', '2024-03-10,03:00', '2024-03-10,04:00'])
    const r = await importFiles(store, [file], {symbol: 'A', ...ny})
    assert.deepEqual([r.new, r.rejected, r.files[0].rejectedByRule.nonexistent, r.files[0].rejectedByRule.duplicate], [3, 1, 1, 0])
    assert.equal(r.files[0].rejections[0].line, 3)
    assert.match(r.files[0].rejections[0].message, /^time "2024-03-10 02:00" does not exist in America\/New_York/)
    const bars = await loadBars(store, {symbol: 'A', timeframe: '1H'})
    // 01:00 EST (06:00Z), then 03:00 and 04:00 EDT (07:00Z, 08:00Z) with their own opens 3 and 4.
    assert.deepEqual(Array.from(bars.time), [ms('2024-03-10T06:00:00Z'), ms('2024-03-10T07:00:00Z'), ms('2024-03-10T08:00:00Z')])
    assert.deepEqual(Array.from(bars.open), [1, 3, 4])
  })

  it('one text column, and a --datetime-format: the same', async () => {
    const one = await importFiles(store, [csv(dir, 'one.csv', 'Datetime,Open,High,Low,Close,Volume', ['2024-03-10 01:30:00', '2024-03-10 02:30:00', '2024-03-10 03:30:00'])], {symbol: 'B', timezone: 'America/New_York', timeframe: '1H'})
    assert.deepEqual([one.new, one.files[0].rejectedByRule.nonexistent], [2, 1])
    const fmt = await importFiles(store, [csv(dir, 'fmt.csv', 'Datetime,Open,High,Low,Close,Volume', ['10/03/2024 01:00', '10/03/2024 02:00', '10/03/2024 03:00'])], {symbol: 'C', ...ny, datetimeFormat: '%d/%m/%Y %H:%M'})
    assert.deepEqual([fmt.new, fmt.files[0].rejectedByRule.nonexistent], [2, 1])
  })

  it('times with an offset are what they say, whatever the zone; a day across the change is no gap', async () => {
    // 07:00Z written as 02:00-05:00: an instant, which New York calls 03:00 EDT. Nothing is skipped.
    const offset = await importFiles(store, [csv(dir, 'offset.csv', 'Datetime,Open,High,Low,Close,Volume', ['2024-03-10T01:00:00-05:00', '2024-03-10T02:00:00-05:00', '2024-03-10T04:00:00-04:00'])], {symbol: 'D', ...ny})
    assert.deepEqual([offset.new, offset.rejected], [3, 0])
    const daily = await importFiles(store, [csv(dir, 'daily.csv', 'Date,Open,High,Low,Close,Volume', ['2024-03-08', '2024-03-11', '2024-03-12'])], {symbol: 'E', timezone: 'America/New_York', timeframe: '1D'})
    assert.deepEqual([daily.new, daily.rejected], [3, 0])
  })
})
