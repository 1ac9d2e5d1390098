/**
 * Issue 14, the report: "equity … as rebased returns against the benchmark" and "rolling Sharpe
 * and volatility (window chosen from the bar frequency)". Checked against a naive computation, in
 * the shipped example's embedded data, and drawn in headless Chromium (skipped without it, except in CI).
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {rolling, rollingWindow} from '../../src/report/rolling.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from '../report/chromium.js'
import {reportData} from '../helpers/report-data.js'

/** Sample standard deviation and mean of xs. */
function stats(xs: number[]): {mean: number; sd: number} {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length
  return {mean, sd: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1))}
}
const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`)

describe('report: rolling Sharpe and volatility, cumulative return', () => {
  it('the window: half a year of bars, at least 20, at most half the run', () => {
    assert.equal(rollingWindow(252, 5036), 126)
    assert.equal(rollingWindow(52, 1000), 26)
    assert.equal(rollingWindow(12, 1000), 20)
    assert.equal(rollingWindow(252, 100), 50)
  })

  it('rolling() equals a naive window-by-window computation, NaN before the first full window', () => {
    const value: number[] = []
    let v = 1000
    for (let i = 0; i < 60; i++) value.push((v *= 1 + Math.sin(i * 1.7) * 0.02 + 0.001))
    const rf = 0.03
    const r = rolling(1000, value, 252, rf, 10)
    const rfBar = (1 + rf) ** (1 / 252) - 1
    const rets = value.map((x, i) => x / (i === 0 ? 1000 : value[i - 1]) - 1 - rfBar)
    for (let i = 0; i < 60; i++) {
      if (i < 9) {
        assert.ok(Number.isNaN(r.sharpe[i]) && Number.isNaN(r.volatility[i]))
        continue
      }
      const {mean, sd} = stats(rets.slice(i - 9, i + 1))
      close(r.volatility[i], sd * Math.sqrt(252))
      close(r.sharpe[i], (mean / sd) * Math.sqrt(252))
    }
  })

  describe('the shipped example\'s report', () => {
    const dir = tempDir('bots-report-rolling-')
    const report = path.join(dir, 'r.html')
    let out: any
    let data: any
    before(async () => {
      const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
      assert.equal(r.code, 0, r.stderr)
      out = parseJson(r)
      data = reportData(readFileSync(report, 'utf8'))
    })

    it('cumulative return ends at the total returns; the rolling series start at the first full 126-bar window', () => {
      const c = data.charts
      close(c.rebased.at(-1).value, out.metrics.strategy.totalReturn * 100)
      close(c.rebasedBenchmark.at(-1).value, out.metrics.benchmark.totalReturn * 100)
      assert.equal(c.rollingWindow, 126)
      assert.equal(c.rollingVolatility.length, out.counts.bars - 125)
      const {value} = out.equity
      const rets = value.map((x: number, i: number) => x / (i === 0 ? out.initialCash : value[i - 1]) - 1)
      const {sd} = stats(rets.slice(-126))
      close(c.rollingVolatility.at(-1).value, sd * Math.sqrt(252) * 100, 1e-6)
    })

    const chromium = findChromium()
    const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
    if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
    it('in Chromium: both charts drawn over their whole range, no console error', {skip: chromium ? false : `no Chromium (${INSTALL_HINT})`}, async () => {
      const page = await openReport(chromium!, report)
      assert.deepEqual(page.errors, [])
      const tag = (id: string) => new RegExp(`<div class="chart small" id="${id}"[^>]*>`).exec(page.html)?.[0] ?? ''
      assert.match(tag('rebased'), new RegExp(`data-count="${out.counts.bars}"`))
      assert.match(tag('rolling'), new RegExp(`data-count="${out.counts.bars - 125}" data-volatility="${out.counts.bars - 125}" data-visible-from="0" data-visible-to="${out.counts.bars - 126}"`))
    })
  })
})
