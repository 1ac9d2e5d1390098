/**
 * Intraday bars outside the market's sessions (pre- and after-market) in `bots data resample`.
 * Found by an audit: `--to 1D --market NYSE` folded them into the day without a word, so a daily
 * bar opened at the first pre-market trade and its high and low could be after-market ones. Now
 * they are counted and warned about, and --sessions-only leaves them out.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {BotsError} from '../../src/core/errors.js'
import {importFiles} from '../../src/data/import.js'
import {loadBars} from '../../src/data/load-bars.js'
import {resampleBars} from '../../src/data/resample.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {freshStore} from './helpers.js'

interface Row {local: string; open: number; high: number; low: number; close: number; volume: number; session: boolean}

/** Minute bars 04:00–19:59 New York time, Monday 5 to Friday 9 January 2015 (EST); outside-session bars spike by ±5. */
function extendedDays(): Row[] {
  const rows: Row[] = []
  let p = 100
  for (let d = 5; d <= 9; d++) {
    for (let m = 4 * 60; m < 20 * 60; m++) {
      const session = m >= 9 * 60 + 30 && m < 16 * 60
      const close = Math.round((p + (((m * 7 + d) % 11) - 5) * 0.01) * 100) / 100
      const spike = session ? 0 : 5
      const hh = String(Math.floor(m / 60)).padStart(2, '0')
      const mm = String(m % 60).padStart(2, '0')
      rows.push({local: `2015-01-0${d} ${hh}:${mm}:00`, open: p, high: Math.max(p, close) + 0.02 + spike, low: Math.min(p, close) - 0.02 - spike, close, volume: 100 + (m % 3), session})
      p = close
    }
  }
  return rows
}

function writeCsv(dir: string, rows: Row[]): string {
  const file = path.join(dir, 'ext.csv')
  writeFileSync(file, ['datetime,open,high,low,close,volume', ...rows.map((r) => `${r.local},${r.open},${r.high},${r.low},${r.close},${r.volume}`)].join('\n') + '\n')
  return file
}

/** The daily bars by hand: per date, first open, max high, min low, last close, summed volume. */
function daily(rows: Row[]): number[][] {
  const days = new Map<string, Row[]>()
  for (const r of rows) days.set(r.local.slice(0, 10), [...(days.get(r.local.slice(0, 10)) ?? []), r])
  return [...days.values()].map((d) => [d[0].open, Math.max(...d.map((r) => r.high)), Math.min(...d.map((r) => r.low)), d[d.length - 1].close, d.reduce((a, r) => a + r.volume, 0)])
}

describe('data resample: bars outside the market\'s sessions', async () => {
  const rows = extendedDays()
  const inSession = rows.filter((r) => r.session)
  const {store, db} = await freshStore()
  const file = writeCsv(tempDir('bots-resample-ext-'), rows)
  await importFiles(store, [file], {symbol: 'EXT', timezone: 'America/New_York'})
  const dailyBars = async () => {
    const b = await loadBars(store, {symbol: 'EXT', timeframe: '1D'})
    return Array.from({length: b.length}, (_, i) => [b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]])
  }

  it('are counted (NYSE, from the New York import) and, by default, in the bars made, as before', async () => {
    const r = await resampleBars(store, {symbol: 'EXT', from: '1M', to: '1D'})
    assert.equal(r.market.spec, 'NYSE')
    assert.deepEqual([r.outside, r.sessionsOnly, r.sourceRows, r.rows], [rows.length - inSession.length, false, rows.length, 5])
    assert.deepEqual(await dailyBars(), daily(rows))
  })

  it('--sessions-only: the bars made are of session bars only, 09:30 to 16:00', async () => {
    const r = await resampleBars(store, {symbol: 'EXT', from: '1M', to: '1D', sessionsOnly: true})
    assert.deepEqual([r.outside, r.sessionsOnly, r.sourceRows, r.rows, r.replaced], [rows.length - inSession.length, true, inSession.length, 5, 5])
    assert.equal(inSession.length, 5 * 390)
    assert.deepEqual(await dailyBars(), daily(inSession))
  })

  it('--sessions-only needs sessions to keep to: refused for daily sources, always-open markets, and a market guessed from the bars', async () => {
    await importFiles(store, [file], {symbol: 'GUESSED'}) // read as UTC: the market is guessed from these bars' own hours
    for (const [o, why] of [
      [{symbol: 'EXT', from: '1D', to: '1W'}, /1D bars are whole sessions already/],
      [{symbol: 'EXT', from: '1M', to: '1H', market: '24/7'}, /24\/7 is always open/],
      [{symbol: 'GUESSED', from: '1M', to: '1D'}, /without --market, the hours are guessed from the bars themselves/],
    ] as const) {
      await assert.rejects(resampleBars(store, {...o, sessionsOnly: true}), (e: unknown) => e instanceof BotsError && e.diagnostic.code === 'data.resample' && why.test(e.message))
    }
    // Guessed from the bars, none is outside: no count, no warning.
    assert.equal((await resampleBars(store, {symbol: 'GUESSED', from: '1M', to: '1D'})).outside, 0)
  })

  it('the CLI warns, with the flag that leaves them out; --json says `outside`', async () => {
    await store.close()
    const r = await runCli(['data', 'resample', 'EXT', '--from', '1M', '--to', '1H', '--db', db])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /\nwarning: 2,850 of the source bars are outside NYSE's sessions \(pre- and after-market\) and are in the bars made[^\n]*\n {2}hint: --sessions-only /)
    const j = parseJson(await runCli(['data', 'resample', 'EXT', '--from', '1M', '--to', '1H', '--db', db, '--sessions-only', '--json']))
    assert.deepEqual([j.outside, j.sessionsOnly, j.sourceRows], [2850, true, 1950])
  })
})
