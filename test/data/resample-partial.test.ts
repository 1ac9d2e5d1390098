/**
 * regression: `partial` of `bots data resample` counted a bucket as incomplete by a fixed count
 * (target ÷ source) for sub-day buckets and never for daily or weekly ones. So a New York 4H bucket
 * of complete hourly bars across the spring change (3 hours) was partial, one missing an hour across
 * the fall-back (5 hours, 4 bars) was whole, a 25-hour day missing an hour was whole, an NYSE 09:00
 * hour (30 minutes of session) was partial every day, and no daily or weekly bar was ever partial.
 * A bucket is partial when it holds fewer source bars than its real span holds in the market's
 * sessions (early closes included).
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {importFiles} from '../../src/data/import.js'
import {resampleBars, type ResampleOptions} from '../../src/data/resample.js'
import {showSeries} from '../../src/data/show.js'
import {tempDir} from '../helpers/tmp.js'
import {MIN5, freshStore, iso, ms} from './helpers.js'

const M1 = 60_000
const H1 = 60 * M1
const NY = 'America/New_York'

/** Open times (epoch ms) from `first` (inclusive) to `last` (exclusive), `step` apart, without those `skip` names. */
function times(first: string, last: string, step: number, skip = (_t: number) => false): number[] {
  const out: number[] = []
  for (let t = ms(first); t < ms(last); t += step) if (!skip(t)) out.push(t)
  return out
}

/** Whether `t` is in [from, to) (ISO instants). */
const within = (from: string, to: string) => (t: number) => t >= ms(from) && t < ms(to)

/** NYSE regular sessions, 09:30–16:00 New York (EST in late November: 14:30–21:00Z), 13:00 on an early close. */
function nyseMinutes(days: Array<[date: string, close: string]>, skip = (_t: number) => false): number[] {
  return days.flatMap(([d, close]) => times(`${d}T14:30:00Z`, `${d}T${close}:00Z`, M1, skip))
}

describe('resampleBars: partial buckets', async () => {
  const {store} = await freshStore()
  const dir = tempDir()
  let n = 0
  /** Imports bars at the `stamps` (open times: UTC ISO, local times, or dates) as a new symbol; returns it. */
  const load = async (stamps: string[], timeframe: string, timezone?: string) => {
    const file = path.join(dir, `bars-${++n}.csv`)
    writeFileSync(file, ['timestamp,open,high,low,close,volume', ...stamps.map((s) => `${s},10,11,9,10,1`)].join('\n') + '\n')
    const symbol = `P${n}`
    await importFiles(store, [file], {symbol, timeframe, timezone})
    return symbol
  }
  const loadTimes = (ts: number[], timeframe: string, timezone?: string) => load(ts.map(iso), timeframe, timezone)
  const resample = (symbol: string, from: string, to: string, more: Partial<ResampleOptions> = {}) => resampleBars(store, {symbol, from, to, ...more})

  describe('24/7 market, New York days and hours (DST)', () => {
    it('the spring-forward day holds 23 hours: complete, it is not partial', async () => {
      // 2024-03-09, -10 and -11 in New York (the 10th is 23 hours), every minute.
      const symbol = await loadTimes(times('2024-03-09T05:00:00Z', '2024-03-12T04:00:00Z', M1), '1M')
      const r = await resample(symbol, '1M', '1D', {timezone: NY})
      assert.deepEqual([r.rows, r.partial], [3, 0])
      // Imported in UTC, so the market is guessed from the bars: open all day, every day.
      assert.deepEqual([r.market.source, r.market.spec], ['bars', {timezone: 'UTC', open: '00:00', close: '24:00', days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], holidays: []}])
      const given = await resample(symbol, '1M', '1D', {timezone: NY, market: '24/7'})
      assert.deepEqual([given.partial, given.market.source], [0, 'flag'])
    })

    it('the fall-back day holds 25 hours: missing one (1,440 minutes), it is partial', async () => {
      // 2024-11-02, -03 (25 hours) and -04 in New York; 12:00–13:00 EST of the 3rd is missing.
      const symbol = await loadTimes(times('2024-11-02T04:00:00Z', '2024-11-05T05:00:00Z', M1, within('2024-11-03T17:00:00Z', '2024-11-03T18:00:00Z')), '1M')
      const r = await resample(symbol, '1M', '1D', {timezone: NY})
      assert.deepEqual([r.rows, r.sourceRows, r.partial], [3, 1440 + 1440 + 1440, 1])
    })

    it('4H: the 00:00 bucket of the spring-forward day (3 hours) is whole with three hourly bars', async () => {
      const symbol = await loadTimes(times('2024-03-09T05:00:00Z', '2024-03-11T04:00:00Z', H1), '1H')
      const r = await resample(symbol, '1H', '4H', {timezone: NY})
      assert.deepEqual([r.rows, r.partial], [12, 0])
    })

    it('4H: the 00:00 bucket of the fall-back day (5 hours) is partial with four hourly bars', async () => {
      // 00:00 EDT – 04:00 EST is 04:00Z – 09:00Z; 02:00 EST (07:00Z) is missing.
      const symbol = await loadTimes(times('2024-11-02T04:00:00Z', '2024-11-04T05:00:00Z', H1, within('2024-11-03T07:00:00Z', '2024-11-03T08:00:00Z')), '1H')
      const r = await resample(symbol, '1H', '4H', {timezone: NY})
      assert.deepEqual([r.rows, r.partial], [12, 1])
    })

    it('1W: the week of the spring change holds 167 hours of minutes', async () => {
      // Monday 2024-03-04 to Monday 2024-03-18 in New York, every minute; the first week (DST starts Sunday the 10th) is 167 hours.
      const full = times('2024-03-04T05:00:00Z', '2024-03-18T04:00:00Z', M1)
      const r = await resample(await loadTimes(full, '1M'), '1M', '1W', {timezone: NY})
      assert.deepEqual([r.rows, r.partial], [2, 0])
      // One minute fewer in each week: both partial.
      const fewer = full.filter((t) => t !== ms('2024-03-06T12:00:00Z') && t !== ms('2024-03-13T12:00:00Z'))
      assert.equal((await resample(await loadTimes(fewer, '1M'), '1M', '1W', {timezone: NY})).partial, 2)
    })
  })

  describe('NYSE (the import read New York times)', async () => {
    // Thanksgiving week 2024: the 28th closed, the 29th closes at 13:00 (18:00Z). One minute of the 26th missing.
    const week: Array<[string, string]> = [['2024-11-25', '21:00'], ['2024-11-26', '21:00'], ['2024-11-27', '21:00'], ['2024-11-29', '18:00']]
    const gap = (t: number) => t === ms('2024-11-26T15:00:00Z')

    it('1D: the early-close day of 210 minutes is whole, a day missing a minute is partial', async () => {
      const symbol = await loadTimes(nyseMinutes(week, gap), '1M', NY)
      const r = await resample(symbol, '1M', '1D')
      assert.deepEqual([r.rows, r.partial], [4, 1])
      assert.deepEqual([r.market.name, r.market.source], ['NYSE', 'import'])
      const whole = await resample(await loadTimes(nyseMinutes(week), '1M', NY), '1M', '1D')
      assert.equal(whole.partial, 0)
    })

    it('1H: the 09:00 bucket holds the 30 minutes from the open, the 12:00 bucket of the early close one hour', async () => {
      const r = await resample(await loadTimes(nyseMinutes(week, gap), '1M', NY), '1M', '1H')
      assert.deepEqual([r.rows, r.partial], [7 * 3 + 4, 1]) // 09:00 … 15:00, and 09:00 … 12:00 on the 29th
    })

    it('1W: a week with a holiday and an early close is whole with every session minute', async () => {
      assert.equal((await resample(await loadTimes(nyseMinutes(week), '1M', NY), '1M', '1W')).partial, 0)
      assert.equal((await resample(await loadTimes(nyseMinutes(week, gap), '1M', NY), '1M', '1W')).partial, 1)
    })

    it('daily bars to weeks: four trading days make the Thanksgiving week whole; a week missing a day is partial', async () => {
      // Imported in UTC: the market is guessed (weekdays), and NYSE fits it as `data show` does.
      const dates = ['2024-11-18', '2024-11-19', '2024-11-21', '2024-11-22', '2024-11-25', '2024-11-26', '2024-11-27', '2024-11-29']
      const r = await resample(await load(dates, '1D'), '1D', '1W')
      assert.deepEqual([r.rows, r.partial], [2, 1])
      assert.deepEqual([r.market.name, r.market.source], ['NYSE', 'fit'])
    })
  })

  it('a market given as hours: an hourly bar begun before the close counts whole (17:00 of 09:00–17:30)', async () => {
    // Berlin, across the start of DST (Sunday 2024-03-31): 09:00 … 17:00 local each day, the 17:00 bar the last half hour.
    const day = (date: string, from = 9) => Array.from({length: 18 - from}, (_, i) => `${date} ${String(from + i).padStart(2, '0')}:00:00`)
    const symbol = await load([...day('2024-03-28'), ...day('2024-03-29'), ...day('2024-04-01'), ...day('2024-04-02', 10)], '1H', 'Europe/Berlin')
    const r = await resample(symbol, '1H', '1D', {market: 'Europe/Berlin 09:00-17:30'})
    assert.deepEqual([r.rows, r.sourceRows, r.partial], [4, 35, 1]) // April 2nd lacks 09:00
    assert.equal(r.market.source, 'flag')
  })

  it('without a market, the one `data show` guesses: the 5-minute index in Berlin, 09:00–17:30, every bucket whole', async () => {
    await importFiles(store, [MIN5], {symbol: 'IDX', timeLabel: 'close', timezone: 'Europe/Berlin'})
    const [shown] = await showSeries(store, 'IDX')
    for (const to of ['1H', '4H', '1D']) {
      const r = await resample('IDX', '5M', to)
      assert.equal(r.partial, 0, to) // the series has no missing bar (shown.missing), and no bucket is partial
      assert.deepEqual(r.market, shown.market)
    }
    assert.deepEqual([shown.missing.count, (shown.market.spec as {open: string}).open, (shown.market.spec as {close: string}).close], [0, '09:00', '17:30'])
  })
})
