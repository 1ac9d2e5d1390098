/**
 * Daily bars that do not start at midnight in the market's zone (found by an audit): the ORCL
 * file imported without --tz has its dates at 00:00 UTC, 19:00 or 20:00 of the day before in New
 * York, and an NYSE backtest then ran every bar a day early without a word. Now it warns, located
 * at the spec's `data`, with the import that fixes it; bars at local midnight, UTC markets and
 * intraday bars stay quiet.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {dailyAlignmentWarnings} from '../../src/backtest/daily-alignment.js'
import {backtestSpecFile} from '../../src/backtest/run-spec.js'
import {barsFromRows} from '../../src/core/bars.js'
import {importFiles} from '../../src/data/import.js'
import {closeStore, openStore} from '../../src/data/store.js'
import {tempDir} from '../helpers/tmp.js'

const D = 86_400_000
const JAN_2 = Date.UTC(2024, 0, 2)
const daily = (times: number[]) => barsFromRows('X', D, times.map((time) => ({time, open: 1, high: 1, low: 1, close: 1})))

describe('daily bars off midnight in the market\'s zone', () => {
  it('UTC midnights under New York: one warning per symbol, with the count, the first bar and the import that fixes it', async () => {
    const [w, ...more] = await dailyAlignmentWarnings([daily([JAN_2, JAN_2 + D, JAN_2 + 2 * D])], D, 'America/New_York', undefined)
    assert.deepEqual(more, [])
    assert.equal(w.severity, 'warning')
    assert.equal(w.code, 'backtest.daily_bars_off_midnight')
    assert.match(w.message, /^X: 3 of 3 daily bars do not start at midnight in America\/New_York, the market's zone \(they are stamped 00:00 UTC/)
    assert.match(w.message, /the first, 2024-01-02T00:00:00Z, starts at 19:00 on 2024-01-01 there/)
    assert.equal(w.hint, 'if the data\'s dates are America/New_York dates, import it again in that zone: bots data import FILE --symbol X --tz America/New_York --replace')
  })

  it('local midnights (across a DST change), a UTC market and intraday bars: nothing', async () => {
    // New York midnight is 05:00Z in winter, 04:00Z in summer (DST began 2024-03-10).
    const local = daily([Date.UTC(2024, 2, 8, 5), Date.UTC(2024, 2, 11, 4), Date.UTC(2024, 2, 12, 4)])
    assert.deepEqual(await dailyAlignmentWarnings([local], D, 'America/New_York', undefined), [])
    assert.deepEqual(await dailyAlignmentWarnings([daily([JAN_2])], D, 'UTC', undefined), [])
    assert.deepEqual(await dailyAlignmentWarnings([daily([JAN_2 + 3_600_000])], 3_600_000, 'America/New_York', undefined), [])
  })

  it('a backtest of a store imported without --tz, on an NYSE market, says so located at data', async () => {
    const dir = tempDir('bots-daily-align-')
    const csv = path.join(dir, 'x.csv')
    const rows = Array.from({length: 40}, (_, i) => {
      const day = new Date(Date.UTC(2024, 0, 2) + i * D).toISOString().slice(0, 10)
      return `${day},${10 + (i % 7)},${11 + (i % 7)},${9 + (i % 7)},${10.5 + (i % 7)},100`
    })
    writeFileSync(csv, `date,open,high,low,close,volume\n${rows.join('\n')}\n`)
    const db = path.join(dir, 's.duckdb')
    const store = await openStore({path: db})
    try {
      await importFiles(store, [csv], {symbol: 'X'}) // no --tz: UTC
    } finally {
      await closeStore(store)
    }
    const file = path.join(dir, 'bot.yaml')
    writeFileSync(file, `name: x\nstrategy: {name: sma-cross, params: {fast: 2, slow: 5}}\nsymbols: [X]\ntimeframe: 1D\nmarket: NYSE\ndata:\n  source: store\n  db: ${JSON.stringify(db)}\n`)
    const outcome = await backtestSpecFile({file})
    const w = outcome.warnings.filter((d) => d.code === 'backtest.daily_bars_off_midnight')
    assert.equal(w.length, 1)
    assert.deepEqual([w[0].file, w[0].line, w[0].path], [file, 7, '/data'])
    assert.match(w[0].message, /^X: \d+ of \d+ daily bars do not start at midnight in America\/New_York/)
  })
})
