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
    assert.match(r.stdout, /\nwarning: 2,850 of the source bars are outside NYSE's sessions \(pre- and after-market, or on days it is closed\) and are in the bars made[^\n]*\n {2}hint: --sessions-only /)
    const j = parseJson(await runCli(['data', 'resample', 'EXT', '--from', '1M', '--to', '1H', '--db', db, '--sessions-only', '--json']))
    assert.deepEqual([j.outside, j.sessionsOnly, j.sourceRows], [2850, true, 1950])
  })

  it('a bucket the clock starts before the open is stamped at the open: RTH minutes → 1H gives 09:30, 10:00, … 15:00, none outside the sessions', async () => {
    const {store: rth, db: rthDb, dir} = await freshStore()
    await importFiles(rth, [writeCsv(tempDir('bots-resample-rth-'), inSession)], {symbol: 'RTH', timezone: 'America/New_York'})
    const r = await resampleBars(rth, {symbol: 'RTH', from: '1M', to: '1H'})
    assert.deepEqual([r.outside, r.rows, r.partial], [0, 35, 0])
    const b = await loadBars(rth, {symbol: 'RTH', timeframe: '1H'})
    const local = (t: number) => new Date(t - 5 * 3_600_000).toISOString().slice(11, 16) // EST
    assert.deepEqual([...b.time].slice(0, 7).map(local), ['09:30', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00'])
    // The 09:30 bar is the day's first half hour, by hand.
    const first = inSession.slice(0, 30)
    assert.deepEqual([b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]], [first[0].open, Math.max(...first.map((x) => x.high)), Math.min(...first.map((x) => x.low)), first[29].close, first.reduce((a, x) => a + x.volume, 0)])
    await rth.close()
    // A backtest on them finds none outside the sessions (stamped 09:00, one bar in seven was, and it warned) and iterates on each.
    const spec = path.join(dir, 'h.yaml') // beside the store: a spec's data.db must be in its folder or the working one
    writeFileSync(spec, `name: h\nstrategy: {name: buy-and-hold}\nsymbols: [RTH]\ntimeframe: 1H\nmarket: NYSE\ndata: {source: store, db: ${JSON.stringify(rthDb)}}\nbroker: {cash: 10000}\n`)
    const out = await runCli(['backtest', spec, '--no-record', '--json'])
    assert.equal(out.code, 0, out.stdout + out.stderr)
    const run = parseJson(out)
    assert.deepEqual(run.warnings.map((w: {code: string}) => w.code).filter((c: string) => c === 'backtest.bars_outside_sessions'), [])
    assert.equal(run.counts.iterations, 35)
  })

  it('bars an earlier resample made of the same buckets under another stamp, or of the bars now left out, are removed; no other', async () => {
    const {store: s2} = await freshStore()
    await importFiles(s2, [file], {symbol: 'EXT', timezone: 'America/New_York'})
    const folded = await resampleBars(s2, {symbol: 'EXT', from: '1M', to: '1H'})
    assert.equal(folded.rows, 80) // 04:00 … 19:00, five days
    const kept = await resampleBars(s2, {symbol: 'EXT', from: '1M', to: '1H', sessionsOnly: true})
    // 09:00 → 09:30 on each day, and the pre- and after-market hours, go: 80 - 35 + 5 of them.
    assert.deepEqual([kept.rows, kept.replaced, kept.new, kept.removed], [35, 30, 5, 50])
    assert.equal((await loadBars(s2, {symbol: 'EXT', timeframe: '1H'})).length, 35)
    await s2.close()
  })

  it('no other stored bar is touched (found by the review: a gap in the minutes deleted an imported daily bar; a window\'s end deleted the next bucket\'s bar across a clock change)', async () => {
    const {store: s3} = await freshStore()
    const dir = tempDir('bots-resample-keep-')
    // Minutes for every day but the 7th; the vendor's daily bars for all five days.
    await importFiles(s3, [writeCsv(dir, inSession.filter((r) => !r.local.startsWith('2015-01-07')))], {symbol: 'GAP', timezone: 'America/New_York'})
    const dailyCsv = path.join(dir, 'daily.csv')
    writeFileSync(dailyCsv, ['date,open,high,low,close,volume', ...[5, 6, 7, 8, 9].map((d) => `2015-01-0${d},1,2,0.5,1.5,100`)].join('\n') + '\n')
    await importFiles(s3, [dailyCsv], {symbol: 'GAP', timeframe: '1D', timezone: 'America/New_York'})
    const r = await resampleBars(s3, {symbol: 'GAP', from: '1M', to: '1D'})
    assert.deepEqual([r.rows, r.replaced, r.removed], [4, 4, 0])
    const d = await loadBars(s3, {symbol: 'GAP', timeframe: '1D'})
    assert.deepEqual([d.length, d.close[2]], [5, 1.5], 'the 7th is the vendor\'s bar still')
    // Daily bars of a 24/7 series across the spring-forward of 2024-03-10, then again up to the 9th only.
    const nights = path.join(dir, 'nights.csv')
    const rows: string[] = ['datetime,open,high,low,close,volume']
    for (let t = Date.UTC(2024, 2, 7); t < Date.UTC(2024, 2, 13); t += 3_600_000) rows.push(`${new Date(t).toISOString().replace('T', ' ').slice(0, 19)},1,2,0.5,1.5,1`)
    writeFileSync(nights, rows.join('\n') + '\n')
    await importFiles(s3, [nights], {symbol: 'H', timeframe: '1H'})
    const all = await resampleBars(s3, {symbol: 'H', from: '1H', to: '1D', timezone: 'America/New_York', market: '24/7'})
    const before = await loadBars(s3, {symbol: 'H', timeframe: '1D'})
    assert.equal(before.length, all.rows)
    await resampleBars(s3, {symbol: 'H', from: '1H', to: '1D', timezone: 'America/New_York', market: '24/7', end: Date.UTC(2024, 2, 10, 5)})
    assert.deepEqual([...(await loadBars(s3, {symbol: 'H', timeframe: '1D'})).time], [...before.time])
    await s3.close()
  })

  it('--sessions-only over a range of pre-market bars only removes the buckets they made before (found by the review: it cleared nothing)', async () => {
    const {store: s4} = await freshStore()
    await importFiles(s4, [file], {symbol: 'EXT', timezone: 'America/New_York'})
    await resampleBars(s4, {symbol: 'EXT', from: '1M', to: '1H'})
    const open = Date.UTC(2015, 0, 5, 14, 30) // 09:30 New York, the first day
    const r = await resampleBars(s4, {symbol: 'EXT', from: '1M', to: '1H', sessionsOnly: true, end: open})
    // 04:00 … 09:00: each made of pre-market bars in this range (the 09:00 bucket's session half is
    // outside it, as a window cut inside a bucket makes it of the part it holds).
    assert.deepEqual([r.rows, r.removed], [0, 6])
    assert.equal((await loadBars(s4, {symbol: 'EXT', timeframe: '1H', end: open + 1})).length, 0)
    assert.equal((await loadBars(s4, {symbol: 'EXT', timeframe: '1H'})).length, 80 - 6, 'the rest of the week is untouched')
    await s4.close()
  })

  it('bars before the calendar\'s years (NYSE before 1990) resample as before: no count, clock stamps; --sessions-only says why it cannot', async () => {
    const {store: s5} = await freshStore()
    const old = inSession.filter((r) => r.local.startsWith('2015-01-05')).map((r) => ({...r, local: r.local.replace('2015-01-05', '1985-01-07')}))
    await importFiles(s5, [writeCsv(tempDir('bots-resample-1985-'), old)], {symbol: 'OLD', timezone: 'America/New_York'})
    const r = await resampleBars(s5, {symbol: 'OLD', from: '1M', to: '1H'})
    assert.deepEqual([r.market.spec, r.outside, r.rows, r.first], ['NYSE', 0, 7, '1985-01-07T14:00:00Z'])
    await assert.rejects(resampleBars(s5, {symbol: 'OLD', from: '1M', to: '1H', sessionsOnly: true}), (e: unknown) => e instanceof BotsError && /reach outside the years NYSE's calendar knows/.test(e.message))
    await s5.close()
  })
})
