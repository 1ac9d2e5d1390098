/**
 * Issue 14, the report: "exposure over time". The gross value of the open positions at their last
 * close, in percent of the account value, at every point; the points above zero are exactly the
 * bars the exposure metric counts in the market.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import type {Bars} from '../../src/model/bars.js'
import type {Fill} from '../../src/model/orders.js'
import {exposureSeries} from '../../src/report/exposure.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'
import {reportData} from '../helpers/report-data.js'

const f = (xs: number[]) => Float64Array.from(xs)
const bars = (symbol: string, time: number[], close: number[]): Bars => ({symbol, timeframeMs: 1, length: time.length, time: f(time), open: f(close), high: f(close), low: f(close), close: f(close), volume: f(close.map(() => 0))})
const fill = (symbol: string, side: 'buy' | 'sell', quantity: number, time: number): Fill => ({orderId: 1, symbol, side, quantity, price: 10, commission: 0, time}) as Fill

describe('report: exposure over time', () => {
  it('long and short count gross; a symbol without a bar at a point keeps its last close; zero when flat', () => {
    const a = bars('A', [0, 1, 2, 3, 4], [10, 11, 12, 13, 14])
    const b = bars('B', [0, 2, 4], [100, 50, 25]) // no bar at 1 and 3
    const fills = [fill('A', 'buy', 5, 1), fill('B', 'sell', 1, 2), fill('A', 'sell', 5, 3), fill('B', 'buy', 1, 4)]
    const value = [1000, 1000, 1000, 500, 1000]
    const e = exposureSeries(fills, [a, b], [0, 1, 2, 3, 4], value)
    assert.deepEqual([...e], [0, 55 / 1000, (60 + 50) / 1000, 50 / 500, 0])
  })

  it('the shipped example: a point per bar, above zero on exactly the bars in market, at most the 90% entry grown', async () => {
    const dir = tempDir('bots-report-exposure-')
    const report = path.join(dir, 'r.html')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    const html = readFileSync(report, 'utf8')
    const data = reportData(html)
    const ex = data.charts.exposure as Array<{value: number}>
    assert.equal(ex.length, out.counts.bars)
    assert.equal(ex.filter((p) => p.value > 0).length, out.metrics.strategy.barsInMarket)
    assert.ok(ex.every((p) => p.value >= 0 && p.value < 100), 'long only, never above the account value')
    assert.match(html, /<div class="chart small" id="exposure"><\/div>/)
  })
})
