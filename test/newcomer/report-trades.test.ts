/**
 * Issue 14, the report: "the trade list with holding time, MAE and MFE, sortable". Excursions are
 * checked on hand-made bars and, for the shipped example, against the ORCL file's own highs and
 * lows; sorting is checked in headless Chromium through a link's #sort= (the same code a click on a
 * header runs). Chromium tests are skipped without it, except in CI.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import type {Bars} from '../../src/model/bars.js'
import type {Trade} from '../../src/model/trade.js'
import {excursions} from '../../src/report/excursions.js'
import {parseJson, ROOT, runCli} from '../helpers/cli.js'
import {reportData} from '../helpers/report-data.js'
import {serverRows} from '../helpers/trade-rows-reference.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from '../report/chromium.js'

const D = 86_400_000
function bars(symbol: string, rows: Array<[number, number]>): Bars {
  const f = (xs: number[]) => Float64Array.from(xs)
  return {symbol, timeframeMs: D, length: rows.length, time: f(rows.map((_, i) => i * D)), open: f(rows.map(([hi, lo]) => (hi + lo) / 2)), high: f(rows.map((r) => r[0])), low: f(rows.map((r) => r[1])), close: f(rows.map(([hi, lo]) => (hi + lo) / 2)), volume: f(rows.map(() => 1))}
}
const trade = (o: Partial<Trade>): Trade => ({symbol: 'X', side: 'long', quantity: 1, entryTime: 0, entryPrice: 100, exitTime: 0, exitPrice: 100, commission: 0, grossPnl: 0, netPnl: 0, ...o})

describe('report: trades with holding time, MAE and MFE, sortable', () => {
  it('excursions: from the entry bar to the exit bar, long and short, none for an unknown symbol', () => {
    // Bars 0..4 (high, low); the trade runs from bar 1 (entered inside it) to bar 3.
    const b = bars('X', [[200, 1], [105, 95], [120, 90], [110, 100], [300, 50]])
    const [long, short, nothing] = excursions(
      [trade({entryTime: D + 1000, exitTime: 3 * D}), trade({side: 'short', entryTime: D + 1000, exitTime: 3 * D}), trade({symbol: 'Y', entryTime: D, exitTime: 3 * D})],
      [b],
    )
    assert.deepEqual(long, {mae: 90 / 100 - 1, mfe: 120 / 100 - 1})
    assert.deepEqual(short, {mae: 1 - 120 / 100, mfe: 1 - 90 / 100})
    assert.ok(Number.isNaN(nothing.mae) && Number.isNaN(nothing.mfe))
  })

  describe('the shipped example\'s report', () => {
    const dir = tempDir('bots-report-trades-')
    const report = path.join(dir, 'r.html')
    let out: any
    let html = ''
    before(async () => {
      const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
      assert.equal(r.code, 0, r.stderr)
      out = parseJson(r)
      html = readFileSync(report, 'utf8')
    })
    const rowsOf = (dom: string) =>
      [...(/<table class="trades" data-count="\d+"[^>]*>.*?<tbody>(.*?)<\/tbody>/s.exec(dom)?.[1] ?? '').matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) =>
        [...m[1].matchAll(/<td(?: data-v="([^"]*)")?>([^<]*)<\/td>/g)].map((c) => ({v: c[1], text: c[2]})),
      )

    it('every trade in the page\'s data: MAE ≤ 0 ≤ MFE; the first trade\'s from the CSV\'s highs and lows', () => {
      assert.match(html, /<thead><tr><th>#<\/th><th>symbol<\/th><th>side<\/th><th>qty<\/th><th>entry<\/th><th>price<\/th><th>exit<\/th><th>price<\/th><th>held<\/th><th>MAE<\/th><th>MFE<\/th><th>commission<\/th><th>net P&amp;L<\/th><th>return<\/th><\/tr><\/thead>/)
      const rows = reportData(html).trades
      assert.equal(rows.first, 1)
      assert.equal(rows.symbol.length, out.trades.length)
      assert.deepEqual(rows.entryTime, out.trades.map((t: Trade) => t.entryTime))
      for (let i = 0; i < rows.mae.length; i++) {
        const [mae, mfe] = [rows.mae[i], rows.mfe[i]]
        assert.ok(typeof mae === 'number' && typeof mfe === 'number' && mae <= 0 && mfe >= 0, `trade ${i + 1}: MAE ${mae}, MFE ${mfe}`)
      }
      // The first trade, from the file: bars dated from its entry date to its exit date (New York).
      const t = out.trades[0]
      const ny = (ms: number) => new Date(ms).toLocaleDateString('en-CA', {timeZone: 'America/New_York'})
      const [from, to] = [ny(t.entryTime), ny(t.exitTime)]
      const inTrade = readFileSync(path.join(ROOT, 'examples/data/orcl-1995-2014.csv'), 'utf8').trim().split('\n').slice(1)
        .map((l) => l.split(','))
        .filter(([date]) => date >= from && date <= to)
      const high = Math.max(...inTrade.map((c) => Number(c[2])))
      const low = Math.min(...inTrade.map((c) => Number(c[3])))
      assert.ok(Math.abs(Number(rows.mae[0]) - Math.min(0, low / t.entryPrice - 1)) < 1e-12, `MAE ${rows.mae[0]}`)
      assert.ok(Math.abs(Number(rows.mfe[0]) - Math.max(0, high / t.entryPrice - 1)) < 1e-12, `MFE ${rows.mfe[0]}`)
    })

    const chromium = findChromium()
    const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
    if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
    const open = async (hash: string) => {
      const page = await openReport(chromium!, report, {hash})
      assert.deepEqual(page.errors, [])
      return page.html
    }
    const skip = chromium ? false : `no Chromium (${INSTALL_HINT})`

    it('the page writes a row per trade, as the server\'s formatters write it (Chromium)', {skip}, async () => {
      const dom = await open('')
      const rows = rowsOf(dom)
      assert.equal(rows.length, out.trades.length)
      // Unsorted, the rows are in trade order.
      assert.deepEqual(rows.map((r) => Number(r[0].v)), out.trades.map((_: unknown, i: number) => i + 1))
      for (const r of rows) {
        assert.ok(r[9].v !== '' && r[10].v !== '' && Number(r[9].v) <= 0 && Number(r[10].v) >= 0, JSON.stringify(r))
        assert.match(r[8].text, /^\d[\d,]*d$/) // daily bars: whole days
      }
      const t = out.trades[0]
      assert.equal(rows[0][8].text, `${Math.round((t.exitTime - t.entryTime) / 86_400_000)}d`)
      // Cell for cell what the server wrote before the page did (the browser's own Intl and dates).
      const data = reportData(html).trades
      const excursion = data.mae.map((mae, i) => ({mae: Number(mae), mfe: Number(data.mfe[i])}))
      const expected = `<table class="trades" data-count="0"><tbody>${serverRows(out.trades, 1, excursion, 'America/New_York', 86_400_000)}</tbody></table>`
      assert.deepEqual(rows, rowsOf(expected))
      const classes = (text: string) => [...text.matchAll(/<tr class="([^"]*)">/g)].map((m) => m[1])
      assert.deepEqual(classes(/<table class="trades" data-count[^]*?<\/table>/.exec(dom)![0]), classes(expected))
    })

    it('#sort=MAE: worst excursion first; #sort=-return: best trade first (Chromium)', {skip}, async () => {
      const byMae = rowsOf(await open('#sort=MAE'))
      const maes = byMae.map((r) => Number(r[9].v))
      assert.deepEqual(maes, [...maes].sort((a, b) => a - b))
      assert.equal(maes[0], Math.min(...reportData(html).trades.mae))
      const byReturn = rowsOf(await open('#sort=-return')).map((r) => Number(r[13].v))
      assert.deepEqual(byReturn, [...byReturn].sort((a, b) => b - a))
      assert.equal(byReturn.length, out.trades.length)
    })
  })
})
