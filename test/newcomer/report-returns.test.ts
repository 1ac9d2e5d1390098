/**
 * Issue 14, the report: yearly returns against the benchmark as bars; the return distribution
 * (histogram, skew, kurtosis, VaR and CVaR); best and worst day and month. Statistics checked on a
 * hand-made sample (reference figures from the textbook formulas: sample skewness and excess
 * kurtosis as pandas/Excel, numpy's linear percentile), and the shipped example's report against
 * its own --json equity and monthly returns.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'
import {yearGrid} from '../../src/metrics/monthly.js'
import {dailyReturns, distribution, distributionTable, histogram, yearlyBars} from '../../src/report/returns.js'
import {parseJson, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/tmp.js'

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} vs ${b}`)
const pct = (v: number) => `${(v * 100).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})}%`

describe('report: returns section', () => {
  it('distribution: mean, stdev, skew, excess kurtosis, VaR and CVaR at 95%', () => {
    const xs = [0.01, -0.02, 0.03, 0.005, -0.01, 0.02, -0.04, 0.015]
    const d = distribution(xs)
    assert.equal(d.count, 8)
    close(d.mean, 0.00125)
    close(d.stdev, 0.02310689445660259)
    close(d.skew, -0.7338295403987212)
    close(d.kurtosis, -0.13279493517969598)
    close(d.var95, -0.033) // between -0.04 and -0.02 at rank 0.35
    close(d.cvar95, -0.04) // the one return at or below it
    assert.ok(Number.isNaN(distribution([]).mean))
    assert.ok(Number.isNaN(distribution([0.01, 0.01, 0.01, 0.01]).skew)) // no spread
  })

  it('histogram: every value in one bin, the maximum in the last', () => {
    const xs = [-0.02, -0.01, 0, 0, 0, 0.01, 0.03]
    const hst = histogram(xs, 5)
    assert.equal(hst.counts.reduce((s, c) => s + c, 0), xs.length)
    assert.deepEqual(hst.counts, [1, 1, 3, 1, 1])
    assert.deepEqual([hst.edges[0], hst.edges[5]], [-0.02, 0.03])
  })

  it('dailyReturns: intraday bars grouped by the market\'s calendar day, the first day against the initial cash', () => {
    const t = (iso: string) => Date.parse(iso)
    // Berlin: 23:30 UTC on 2 Jan is already 3 Jan.
    const time = [t('2006-01-02T08:00:00Z'), t('2006-01-02T16:00:00Z'), t('2006-01-02T23:30:00Z'), t('2006-01-03T12:00:00Z')]
    const r = dailyReturns(100, time, [101, 102, 99, 110.16], 'Europe/Berlin')
    assert.deepEqual(r.map((d) => d.date), ['2006-01-02', '2006-01-03'])
    close(r[0].return, 0.02)
    close(r[1].return, 0.08)
  })

  it('yearly bars and the table: figures as given, negative years to the left, hostile text escaped', () => {
    const months = [{year: 2020, month: 1, return: 0.1}, {year: 2021, month: 6, return: -0.05}]
    const html = yearlyBars(months, [{year: 2020, month: 1, return: 0.2}, {year: 2021, month: 6, return: 0.1}])
    assert.match(html, /<table class="yearly" data-count="2">/)
    assert.match(html, /<tr><th scope="row">2020<\/th><td>10\.00%<\/td><td>20\.00%<\/td><td class="bar"><span class="strategy" style="left:50%;width:25\.00%"><\/span><\/td><td class="bar"><span class="benchmark" style="left:50%;width:50\.00%"><\/span><\/td><\/tr>/)
    assert.match(html, /<span class="strategy neg" style="right:50%;width:12\.50%">/)
    const t = distributionTable({strategyDaily: [{date: '<x>', return: 0.01}], benchmarkDaily: [], strategyMonthly: [], benchmarkMonthly: []})
    assert.match(t, /best day<\/th><td>1\.00% <span class="sub">&lt;x&gt;<\/span><\/td><td>n\/a<\/td>/)
  })

  it('the shipped example\'s report: 20 yearly rows, best and worst day from its own equity (real CLI)', async () => {
    const dir = tempDir('bots-report-returns-')
    const report = path.join(dir, 'r.html')
    const r = await runCli(['backtest', 'examples/orcl-sma-cross.yaml', '--db', path.join(dir, 's.duckdb'), '--no-record', '--report', report, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const out = parseJson(r)
    const html = readFileSync(report, 'utf8')

    const years = yearGrid(out.metrics.monthly.strategy)
    const bench = new Map(yearGrid(out.metrics.monthly.benchmark).map((y) => [y.year, y.total]))
    assert.match(html, /<table class="yearly" data-count="20">/)
    for (const y of years) assert.ok(html.includes(`<tr><th scope="row">${y.year}</th><td>${pct(y.total)}</td><td>${pct(bench.get(y.year)!)}</td>`), `year ${y.year}`)

    const {value} = out.equity
    const daily = value.map((v: number, i: number) => v / (i === 0 ? out.initialCash : value[i - 1]) - 1)
    const best = Math.max(...daily)
    const worst = Math.min(...daily)
    assert.match(html, new RegExp(`best day</th><td>${pct(best).replace('.', '\\.')} <span class="sub">\\d{4}-\\d{2}-\\d{2}</span>`))
    assert.match(html, new RegExp(`worst day</th><td>${pct(worst).replace('.', '\\.')} <span class="sub">\\d{4}-\\d{2}-\\d{2}</span>`))
    assert.match(html, /<div class="histogram" data-count="40" data-days="5036">/)
    const bins = [...html.matchAll(/data-n="(\d+)"/g)].map((m) => Number(m[1]))
    assert.equal(bins.reduce((s, c) => s + c, 0), 5036)
  })
})
