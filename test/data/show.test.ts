/** `showSeries` and its gaps: reported, classified, never filled. */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {importFiles} from '../../src/data/import.js'
import {listSeries, removeSeries} from '../../src/data/catalog.js'
import {showSeries} from '../../src/data/show.js'
import {DAY, ORCL, bad, freshStore} from './helpers.js'

describe('showSeries', async () => {
  const {store} = await freshStore()

  it('lists a gap inside a session and counts the overnight break without listing it', async () => {
    await importFiles(store, [bad('gaps.csv')], {symbol: 'G', timeframe: '5M'})
    const [d] = await showSeries(store, 'G')
    assert.deepEqual([d.timeframe, d.rows, d.timezone], ['5M', 5, 'UTC'])
    assert.deepEqual(d.gaps.byKind, {overnight: 1, weekend: 0, intraday: 1, days: 0})
    assert.deepEqual(d.gaps.list, [{kind: 'intraday', after: '2020-01-02T10:05:00Z', before: '2020-01-02T10:20:00Z', missing: 2}])
    assert.deepEqual(d.head.map((b) => b.time), ['2020-01-02T10:00:00Z', '2020-01-02T10:05:00Z', '2020-01-02T10:20:00Z', '2020-01-02T10:25:00Z', '2020-01-03T10:00:00Z'])
  })

  it('daily bars: weekends are expected, missing weekdays (holidays) are listed, in the market zone', async () => {
    await importFiles(store, [ORCL], {symbol: 'ORCL', timezone: 'America/New_York'})
    const [d] = await showSeries(store, 'ORCL', {gaps: 3, rows: 2})
    assert.equal(d.timezone, 'America/New_York') // from the import
    assert.equal(d.gaps.byKind.overnight + d.gaps.byKind.intraday, 0)
    assert.ok(d.gaps.byKind.weekend > 900)
    // Presidents' Day 1995 (Mon 20 Feb): Fri 17 → Tue 21 is 3 days missing, one of them a weekday.
    assert.deepEqual(d.gaps.list[0], {kind: 'days', after: '1995-02-17T05:00:00Z', before: '1995-02-21T05:00:00Z', missing: 3})
    assert.equal(d.gaps.list.length, 3)
    assert.deepEqual([d.head.length, d.tail.length, d.tail[1].time], [2, 2, '2014-12-31T05:00:00Z'])
  })

  it('every timeframe of a symbol unless one is asked for; an unknown one says what exists', async () => {
    await importFiles(store, [DAY], {symbol: 'G', timeframe: '1D'})
    assert.deepEqual((await showSeries(store, 'G')).map((d) => d.timeframe), ['5M', '1D'])
    assert.deepEqual((await showSeries(store, 'G', {timeframe: '1d'})).map((d) => d.timeframe), ['1D'])
    await assert.rejects(showSeries(store, 'G', {timeframe: '1H'}), (e: unknown) => e instanceof BotsError && e.hint === 'G has 5M, 1D')
  })

  it('remove deletes one timeframe or all of a symbol', async () => {
    assert.deepEqual((await removeSeries(store, 'G', '5M')).removed, [{timeframe: '5M', rows: 5}])
    assert.deepEqual((await removeSeries(store, 'G')).removed, [{timeframe: '1D', rows: 255}])
    assert.deepEqual((await listSeries(store)).map((s) => s.symbol), ['ORCL'])
    await assert.rejects(removeSeries(store, 'G'), /no bars for G/)
  })
})
