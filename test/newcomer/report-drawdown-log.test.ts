/**
 * Issue 14, the report: "the equity chart is linear so the strategy is a flat line under
 * buy-and-hold, the drawdown chart has no benchmark". The equity chart is now on a log scale
 * (when every value is positive), and the drawdown chart draws buy & hold's drawdown beside the
 * strategy's, its deepest point the benchmark's max drawdown from the metrics. Opened in headless
 * Chromium (skipped without it, except in CI); the embedded data is checked without it.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'
import {chartData} from '../../src/report/chart-data.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {findChromium, INSTALL_HINT, openReport} from '../report/chromium.js'
import {reportData} from '../helpers/report-data.js'

describe('report: equity on a log scale, drawdown against buy & hold', () => {
  const chromium = findChromium()
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false'
  const dir = tempDir('bots-report-dd-')
  const report = path.join(dir, 'orcl.html')
  let out: any
  let data: any

  before(async () => {
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    out = parseJson(r)
    data = reportData(readFileSync(report, 'utf8'))
  })

  it('the embedded data: buy & hold drawdown over every bar, as deep as the metrics say; log scale on', () => {
    const dd = data.charts.benchmarkDrawdown as Array<{time: number; value: number}>
    assert.equal(dd.length, out.counts.bars)
    const deepest = Math.min(...dd.map((p) => p.value))
    assert.ok(Math.abs(deepest + out.metrics.benchmark.maxDrawdown * 100) < 1e-9, `${deepest} vs ${out.metrics.benchmark.maxDrawdown}`)
    assert.ok(Math.abs(Math.min(...data.charts.drawdown.map((p: any) => p.value)) + out.metrics.strategy.maxDrawdown * 100) < 1e-9)
    assert.equal(data.logScale, true)
  })

  it('chartData: buy & hold\'s drawdown in percent below zero, point for point (library)', () => {
    const time = Float64Array.from([0, 86_400_000, 2 * 86_400_000])
    const c = chartData({bars: [], time, value: Float64Array.from([100, 50, 0]), benchmark: Float64Array.from([100, 90, 80]), drawdown: new Float64Array(3), benchmarkDrawdown: Float64Array.from([0, 0.1, 0.2]), trades: [], timezone: 'UTC'})
    assert.deepEqual(c.benchmarkDrawdown.map((p) => p.value), [-0, -10, -20])
  })

  it('in Chromium: the equity axis is logarithmic and the drawdown chart has two series', {skip: chromium ? false : `no Chromium (${INSTALL_HINT})`}, async () => {
    const page = await openReport(chromium!, report)
    assert.deepEqual(page.errors, [])
    assert.match(page.html, /<div class="chart" id="equity"[^>]* data-scale="log"/)
    assert.match(page.html, /<div class="chart small" id="drawdown"[^>]* data-series="2"/)
  })
  if (!chromium && ci) it('needs Chromium', () => assert.fail(`no Chromium found: ${INSTALL_HINT}`))
})
