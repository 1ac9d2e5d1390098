/**
 * Resampling across DST changes: sub-day buckets are cut where the local clock shows a multiple
 * of the timeframe and stamped with that instant, so the bucket around a change is longer or
 * shorter (New York, 4H: 00:00–04:00 lasts 3 hours in spring, 5 in autumn), never split or
 * misplaced; and `bots data resample` (resampleBars) cuts the same buckets as the streaming
 * resampler of multi-timeframe rules (HigherBars), on DST days and ordinary ones.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {resampleBars} from '../../src/data/resample.js'
import {toTimeframe} from '../../src/data/timeframe.js'
import {HigherBars} from '../../src/rules/runtime/higher-bars.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore, iso, ms} from './helpers.js'

const H1 = 3_600_000
const NY = 'America/New_York'

/** [time, open, high, low, close, volume] */
type Row = [number, number, number, number, number, number]

/** `count` bars `step` apart from `first`, opens 100, 101, …, as the auditor's files have them. */
function rows(first: string, count: number, step: number, skip = (_i: number) => false): Row[] {
  const out: Row[] = []
  for (let i = 0; i < count; i++) {
    if (skip(i)) continue
    const p = 100 + i
    out.push([ms(first) + i * step, p, p + 0.5 + (i % 3), p - 0.5 - (i % 2), p + 0.25, 1 + (i % 4)])
  }
  return out
}

/** Time (ISO), open, high, low, close, volume of each bar: one string per bar, easy to diff. */
const show = (time: number, o: number, h: number, l: number, c: number, v: number) => `${iso(time).slice(0, 16)}Z ${o} ${h} ${l} ${c} ${v}`

describe('resampleBars across DST changes', async () => {
  const {store} = await freshStore()
  const dir = tempDir()
  let n = 0
  /** Imports `bars` (UTC times) as a new symbol at `timeframe`; returns the symbol. */
  const load = async (bars: Row[], timeframe: string) => {
    const file = path.join(dir, `bars-${++n}.csv`)
    const lines = bars.map(([t, ...v]) => [iso(t), ...v].join(','))
    writeFileSync(file, ['timestamp,open,high,low,close,volume', ...lines].join('\n') + '\n')
    const symbol = `DST${n}`
    await importFiles(store, [file], {symbol, timeframe})
    return symbol
  }
  const resampled = async (symbol: string, from: string, to: string, timezone: string) => {
    await resampleBars(store, {symbol, from, to, timezone})
    const b = await loadBars(store, {symbol, timeframe: to})
    return [...b.time].map((t, i) => show(t, b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]))
  }
  /** The same bars through HigherBars, each bar's close the run's clock; the last bucket settled at the end. */
  const streamed = (bars: Row[], from: string, to: string, timezone: string) => {
    const out: string[] = []
    const step = toTimeframe(from).ms
    const hb = new HigherBars(toTimeframe(to).ms, timezone, (o, h, l, c, v, t) => out.push(show(t, o, h, l, c, v)))
    for (const [t, o, h, l, c, v] of bars) hb.push(o, h, l, c, v, t, t + step)
    hb.settle(Infinity)
    return out
  }

  it('4H in New York, spring forward: the 00:00 EST bucket lasts 3 hours and comes before the 04:00 EDT one', async () => {
    // 20 hourly bars from 2024-03-09 15:00 EST; 2024-03-10 02:00 EST became 03:00 EDT (07:00Z).
    const symbol = await load(rows('2024-03-09T20:00:00Z', 20, H1), '1H')
    const bars = await resampled(symbol, '1H', '4H', NY)
    assert.deepEqual(bars.map((b) => b.slice(0, 17)), [
      '2024-03-09T17:00Z', // 12:00 EST: the 15:00 bar only
      '2024-03-09T21:00Z', // 16:00 EST
      '2024-03-10T01:00Z', // 20:00 EST
      '2024-03-10T05:00Z', // 00:00 EST: 00:00, 01:00 EST and 03:00 EDT
      '2024-03-10T08:00Z', // 04:00 EDT
      '2024-03-10T12:00Z', // 08:00 EDT
    ])
    assert.equal(bars[3], '2024-03-10T05:00Z 109 113.5 107.5 111.25 9', 'opens 109–111: three bars')
  })

  it('4H in New York, fall back: the 00:00 EDT bucket lasts 5 hours (01:00 twice)', async () => {
    // 16 hourly bars from 2024-11-02 20:00 EDT; 2024-11-03 02:00 EDT became 01:00 EST (06:00Z).
    const symbol = await load(rows('2024-11-03T00:00:00Z', 16, H1), '1H')
    const bars = await resampled(symbol, '1H', '4H', NY)
    assert.deepEqual(bars, [
      '2024-11-03T00:00Z 100 104.5 99.5 103.25 10', // 20:00 EDT
      '2024-11-03T04:00Z 104 110.5 103.5 108.25 11', // 00:00, 01:00 EDT, 01:00, 02:00, 03:00 EST
      '2024-11-03T09:00Z 109 113.5 107.5 112.25 10', // 04:00 EST
      '2024-11-03T13:00Z 113 116.5 111.5 115.25 9', // 08:00 EST, three bars
    ])
  })

  it('1H in New York, fall back: the repeated 01:00 hour stays two bars (two real hours are never merged)', async () => {
    // 5-minute bars from 2024-11-02 23:00 EDT to 2024-11-03 03:55 EST: six real hours.
    const symbol = await load(rows('2024-11-03T03:00:00Z', 72, 5 * 60_000), '5M')
    const hours = await resampled(symbol, '5M', '1H', NY)
    assert.deepEqual(hours.map((b) => b.slice(0, 17)), ['2024-11-03T03:00Z', '2024-11-03T04:00Z', '2024-11-03T05:00Z', '2024-11-03T06:00Z', '2024-11-03T07:00Z', '2024-11-03T08:00Z'])
    assert.deepEqual(hours.map((b) => Number(b.split(' ')[1])), [100, 112, 124, 136, 148, 160], 'twelve bars each')
  })

  it('a bucket whose local start the clock skips starts at the change (40M in New York: 02:40 never happens)', async () => {
    // 40-minute buckets on the local clock: 00:40, 01:20, 02:00 and 02:40 (skipped), 03:20. The
    // 03:00–03:15 EDT bars are in the 02:40 bucket, which starts when the clock jumps (07:00Z).
    const symbol = await load(rows('2024-03-10T06:00:00Z', 24, 5 * 60_000), '5M') // 01:00 EST – 03:55 EDT
    const bars = await resampled(symbol, '5M', '40M', NY)
    assert.deepEqual(bars.map((b) => b.split(' ').slice(0, 2).join(' ')), ['2024-03-10T05:40Z 100', '2024-03-10T06:20Z 104', '2024-03-10T07:00Z 112', '2024-03-10T07:20Z 116'])
  })

  it('data resample and HigherBars give the same 4H bars over a DST week in New York', async () => {
    // Spring-forward and fall-back weeks of 5-minute bars, a few missing (a bucket is made only of bars that exist).
    const weeks = [
      ['2024-03-06T00:00:00Z', '2024-03-10T05:00Z', '2024-03-10T08:00Z'], // 00:00 EST – 04:00 EDT: 3 hours
      ['2024-10-30T00:00:00Z', '2024-11-03T04:00Z', '2024-11-03T09:00Z'], // 00:00 EDT – 04:00 EST: 5 hours
    ]
    for (const [first, dstBucket, next] of weeks) {
      const bars = rows(first, 7 * 288, 5 * 60_000, (i) => i % 97 === 13)
      const symbol = await load(bars, '5M')
      const sql = await resampled(symbol, '5M', '4H', NY)
      assert.deepEqual(streamed(bars, '5M', '4H', NY), sql)
      const at = sql.findIndex((b) => b.startsWith(dstBucket))
      assert.equal(sql[at + 1].slice(0, 17), next)
    }
  })

  it('…and for 1H to 12H and 1D in UTC, New York, London and Kolkata (+05:30), both DST weeks', async () => {
    for (const first of ['2024-03-08T00:00:00Z', '2024-03-29T00:00:00Z', '2024-10-25T00:00:00Z', '2024-10-31T00:00:00Z']) {
      const bars = rows(first, 5 * 288, 5 * 60_000, (i) => i % 89 === 7)
      for (const timezone of ['UTC', NY, 'Europe/London', 'Asia/Kolkata']) {
        const symbol = await load(bars, '5M') // one per zone: a zone's buckets replace only those at the same times
        for (const to of ['1H', '2H', '3H', '4H', '5H', '6H', '8H', '12H', '1D']) {
          assert.deepEqual(streamed(bars, '5M', to, timezone), await resampled(symbol, '5M', to, timezone), `${first} ${timezone} ${to}`)
        }
      }
    }
  })
})
