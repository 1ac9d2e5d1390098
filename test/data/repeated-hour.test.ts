/**
 * Naive local times at a fall-back: the repeated hour, given twice, is read in the file's order
 * (the pass first in time is daylight time), as pandas' tz_localize(ambiguous='infer') does.
 * Before, both passes read as standard time: the first was stored an hour late, the second was
 * rejected as duplicates, and the daylight hour was left empty.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore, ms} from './helpers.js'

const FIVE = 300_000
const HOUR = 3_600_000

/** Rows `time,open,high,low,close,volume` with the open counting up from 100 in file order. */
function csv(dir: string, name: string, header: string, times: string[]): string {
  const file = path.join(dir, name)
  const rows = times.map((t, i) => `${t},${100 + i},${101 + i},${99 + i},${100.5 + i},10`)
  writeFileSync(file, [header, ...rows].join('\n') + '\n')
  return file
}

/** Wall times of five-minute bars from `h0`:00 to `h1`:55 on `day`, with hour `twice` given twice. */
function walls(day: string, h0: number, h1: number, twice: number, sep = ' '): string[] {
  const out: string[] = []
  for (let h = h0; h <= h1; h++) {
    for (let pass = 0; pass < (h === twice ? 2 : 1); pass++) {
      for (let m = 0; m < 60; m += 5) out.push(`${day}${sep}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`)
    }
  }
  return out
}

const steady = (time: Float64Array, step: number) => time.every((t, i) => i === 0 || t - time[i - 1] === step)

describe('the hour repeated when the clock falls back', async () => {
  const dir = tempDir('bots-repeated-hour-')
  const {store} = await freshStore()

  it('New York, both passes: every row stored, the first pass in daylight time, in file order', async () => {
    const times = walls('2024-11-03', 0, 2, 1)
    const r = await importFiles(store, [csv(dir, 'ny.csv', 'Datetime,Open,High,Low,Close,Volume', times)], {symbol: 'NY', timeframe: '5M', timezone: 'America/New_York'})
    assert.deepEqual([r.new, r.rejected, r.files[0].repeatedHour], [48, 0, 12])
    const bars = await loadBars(store, {symbol: 'NY', timeframe: '5M'})
    assert.equal(bars.time[0], ms('2024-11-03T04:00:00Z')) // 00:00 EDT
    assert.ok(steady(bars.time, FIVE), 'five minutes apart throughout, no hour missing')
    assert.deepEqual(Array.from(bars.open), times.map((_, i) => 100 + i), 'in the file\'s order')
  })

  it('the same file newest first: the same bars', async () => {
    const times = walls('2024-11-03', 0, 2, 1).reverse()
    const r = await importFiles(store, [csv(dir, 'ny-newest.csv', 'Datetime,Open,High,Low,Close,Volume', times)], {symbol: 'NYR', timeframe: '5M', timezone: 'America/New_York'})
    assert.deepEqual([r.new, r.rejected, r.files[0].repeatedHour, r.files[0].newestFirst], [48, 0, 12, true])
    const bars = await loadBars(store, {symbol: 'NYR', timeframe: '5M'})
    assert.equal(bars.time[0], ms('2024-11-03T04:00:00Z'))
    assert.ok(steady(bars.time, FIVE))
    assert.deepEqual(Array.from(bars.open), times.map((_, i) => 100 + i).reverse())
  })

  it('Berlin, date and time in two columns: 02:00-02:59 twice', async () => {
    const times = walls('2024-10-27', 1, 3, 2, ',')
    const r = await importFiles(store, [csv(dir, 'berlin.csv', 'Date,Time,Open,High,Low,Close,Volume', times)], {symbol: 'DE', timeframe: '5M', timezone: 'Europe/Berlin'})
    assert.deepEqual([r.new, r.rejected, r.files[0].repeatedHour], [48, 0, 12])
    const bars = await loadBars(store, {symbol: 'DE', timeframe: '5M'})
    assert.equal(bars.time[0], ms('2024-10-26T23:00:00Z')) // 01:00 CEST
    assert.ok(steady(bars.time, FIVE))
  })

  it('hourly bars labelled by their close (--time-label close)', async () => {
    // Bars opening 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00 EST close at 01:00, 01:00, 02:00, 03:00.
    const times = ['01:00', '01:00', '02:00', '03:00'].map((t) => `2024-11-03 ${t}:00`)
    const r = await importFiles(store, [csv(dir, 'close.csv', 'Datetime,Open,High,Low,Close,Volume', times)], {symbol: 'CL', timeframe: '1H', timezone: 'America/New_York', timeLabel: 'close'})
    assert.deepEqual([r.new, r.rejected, r.files[0].repeatedHour], [4, 0, 1])
    const bars = await loadBars(store, {symbol: 'CL', timeframe: '1H'})
    assert.deepEqual(Array.from(bars.time), [0, 1, 2, 3].map((k) => ms('2024-11-03T04:00:00Z') + k * HOUR))
  })

  it('given once, the hour is read as standard time', async () => {
    const times = [...walls('2024-11-03', 0, 0, -1), ...walls('2024-11-03', 1, 1, -1)]
    const r = await importFiles(store, [csv(dir, 'once.csv', 'Datetime,Open,High,Low,Close,Volume', times)], {symbol: 'ONCE', timeframe: '5M', timezone: 'America/New_York'})
    assert.deepEqual([r.new, r.files[0].repeatedHour], [24, 0])
    const bars = await loadBars(store, {symbol: 'ONCE', timeframe: '5M'})
    assert.equal(bars.time[12], ms('2024-11-03T06:00:00Z')) // 01:00 EST
  })

  it('times with offsets are left alone: a repeat of one is a duplicate', async () => {
    const times = walls('2024-11-03', 0, 2, 1, 'T').map((t, i) => `${t}${i < 24 ? '-04:00' : '-05:00'}`)
    times.push(times[30])
    const r = await importFiles(store, [csv(dir, 'offsets.csv', 'Datetime,Open,High,Low,Close,Volume', times)], {symbol: 'OFF', timeframe: '5M', timezone: 'America/New_York'})
    assert.deepEqual([r.new, r.rejected, r.files[0].repeatedHour], [48, 1, 0])
    assert.equal(r.files[0].rejections[0].rule, 'duplicate')
  })

  it('a true repeat outside a fall-back stays a duplicate', async () => {
    const times = walls('2024-06-03', 9, 10, 9)
    const r = await importFiles(store, [csv(dir, 'june.csv', 'Datetime,Open,High,Low,Close,Volume', times)], {symbol: 'JUN', timeframe: '5M', timezone: 'America/New_York'})
    assert.deepEqual([r.new, r.rejected, r.files[0].repeatedHour], [24, 12, 0])
  })
})
