/**
 * The HTML report of one backtest, a tearsheet: a single self-contained file (the chart library
 * inlined, no network access) with a range selector (1Y/3Y/5Y/all, the whole period at first), the
 * price chart with trade markers, equity against buy-and-hold on a log scale, cumulative return,
 * drawdown against buy & hold, rolling Sharpe and volatility, exposure over time, the five worst
 * drawdowns, the metrics, yearly returns as bars, daily-return statistics (skew, kurtosis, VaR,
 * CVaR, best and worst day and month) with a histogram, the monthly heat map, the sortable trade
 * list (holding time, MAE, MFE), the positions open at the end, and the spec that produced the run.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {localDateOf, utcOffset} from '../calendar/index.js'
import {isoDate} from '../calendar/civil-date.js'
import type {Bars} from '../model/bars.js'
import {DAY_MS} from '../model/time.js'
import type {BacktestResult} from '../engine/result.js'
import type {Metrics} from '../metrics/metrics.js'
import {drawdownChart} from '../metrics/drawdown.js'
import {chartBucket, chartColumns, type Overlays} from './chart-data.js'
import {GUARD, RENDER} from './client-script.js'
import {escapeHtml as h, jsonForScript, scriptSource} from './escape.js'
import {drawdownTable, heatMap, metricsTable, positionsTable, tradeTable} from './sections.js'
import {tradeRows} from './trade-rows.js'
import {dailyReturns, returnsSection} from './returns.js'
import {rolling} from './rolling.js'
import {dailyLastIndices} from '../metrics/daily-last.js'
import {excursions} from './excursions.js'
import {exposureOf} from './exposure.js'
import {reportTrades} from './report-trades.js'
import {fillFieldsOf} from '../model/run-columns.js'
import {STYLES} from './styles.js'
import {localeNumber} from '../core/fixed-number.js'

export interface ReportInput {
  title: string
  description?: string
  strategy: string
  params: Record<string, unknown>
  symbols: string[]
  timeframe: string
  timeframeMs: number
  timezone: string
  /** The spec file's text as written, and the overrides given on the command line. */
  specText: string
  specFile?: string
  overrides?: string[]
  result: Pick<BacktestResult, 'equity' | 'trades' | 'initialCash' | 'counts' | 'positions' | 'fills' | 'multipliers'>
  benchmark: Float64Array
  bars: readonly Bars[]
  metrics: Metrics
  /** Indicator lines over each symbol's price chart (`report.overlay`), index-aligned with `bars`. */
  overlays?: Overlays
  /** `dailyLastIndices(result.equity.time, timezone)`, when the caller has it already. */
  dailyLast?: Uint32Array
}

let library: string | undefined

/** The standalone production build of lightweight-charts, read once from node_modules. */
export function chartLibrary(): string {
  if (library === undefined) {
    const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json')
    library = scriptSource(readFileSync(path.join(path.dirname(pkg), 'dist/lightweight-charts.standalone.production.js'), 'utf8'))
  }
  return library
}

/** Assembles the page around the run id, in parts (see prepareReport). */
export type ReportDraft = (runId?: number) => string[]

/**
 * The report's work done before its run id is known (a first run computes it while DuckDB is
 * still storing the bars' file, before the run can be recorded); the returned function only
 * assembles the page around the id, in parts (their concatenation is the HTML; the big one, the
 * chart and trade data, stays apart so the page is never copied whole: writeFileAtomic).
 */
export function prepareReport(o: ReportInput): ReportDraft {
  const steps = draftSteps(o)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * prepareReport with a turn of the event loop between its steps (each some 10 to 40 ms on a
 * million bars): what DuckDB does meanwhile on its own threads, a statement at a time, goes on
 * (a first use's import finishes storing the bars while the report is drafted, not after).
 */
export async function prepareReportInTurns(o: ReportInput, turn: () => Promise<void>): Promise<ReportDraft> {
  const steps = draftSteps(o)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    await turn()
  }
}

/** The report's work as steps: each `yield` is a place where the caller may let other work run. */
function* draftSteps(o: ReportInput): Generator<void, ReportDraft, void> {
  const {time, value} = o.result.equity
  const fmtTime = timeFormatter(o.timezone, o.timeframeMs)
  // The series beside the equity are computed at the charts' resolution, one value per point.
  const bucket = chartBucket(time.length)
  const cash = o.result.initialCash
  const settings = o.metrics.settings
  const trades = reportTrades(o.result, o.bars.slice(0, 4).map((b) => b.symbol))
  // The drawdown charts (each point at its deepest bar) and the worst-drawdown tables.
  const drawdown = drawdownChart(cash, time, value, bucket, 5)
  const benchmarkDrawdown = drawdownChart(cash, time, o.benchmark, bucket, 5)
  yield
  const rollingFigures = rolling(cash, value, settings.periodsPerYear, settings.riskFreeRate, undefined, bucket)
  yield
  const exposure = exposureOf(fillFieldsOf(o.result), o.bars, time, value, bucket, o.result.multipliers)
  yield
  const charts = chartColumns({
    bars: o.bars, time, value, benchmark: o.benchmark, initial: cash, trades: trades.charted, tradeTotals: trades.totals, timezone: o.timezone, overlays: o.overlays,
    drawdown: drawdown.series, drawdownAt: drawdown.deepestAt, benchmarkDrawdown: benchmarkDrawdown.series, benchmarkDrawdownAt: benchmarkDrawdown.deepestAt,
    rolling: rollingFigures, exposure,
  })
  yield
  // Equity on a log scale unless a value is not positive (a log axis cannot show it).
  const logScale = charts.equity.v.every((v) => v > 0) && charts.benchmark.v.every((v) => v > 0)
  const shown = trades.listed
  const rows = tradeRows(shown, trades.total - shown.length + 1, excursions(shown, o.bars), o.timezone)
  const data = {intraday: o.timeframeMs < DAY_MS, logScale, charts, trades: rows}
  yield
  const m = o.metrics
  const period = m.period.bars ? `${fmtTime(m.period.start)} → ${fmtTime(time[time.length - 1])}` : 'no bars'
  const params = Object.entries(o.params).map(([k, v]) => `${h(k)}=${h(JSON.stringify(v))}`).join(' · ')
  const prices = charts.prices.map((p, i) => `<h2>${h(p.symbol)}${charts.bucket > 1 ? ` <span class="sub">(${charts.bucket} bars per candle)</span>` : ''}</h2>` +
    `<div class="chart" id="price-${i}"></div>${p.markersDropped ? `<p class="note">Markers of the last ${p.markers.length / 2} trades shown.</p>` : ''}`).join('')
  const worst = `${drawdownTable(drawdown.worst, fmtTime, 'strategy, deepest first')}${drawdownTable(benchmarkDrawdown.worst, fmtTime, 'buy & hold, deepest first')}`
  yield
  const days = o.dailyLast ?? dailyLastIndices(time, o.timezone)
  const returns = returnsSection({
    strategyDaily: dailyReturns(o.result.initialCash, time, value, o.timezone, days),
    benchmarkDaily: dailyReturns(o.result.initialCash, time, o.benchmark, o.timezone, days),
    strategyMonthly: m.monthly.strategy,
    benchmarkMonthly: m.monthly.benchmark,
  })
  const tradeList = tradeTable(trades.total, shown.length)
  yield
  const json = jsonForScript(data)
  return (runId) => [`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(o.title)} · backtest report</title>
<style>${STYLES}</style>
<script>${scriptSource(GUARD)}</script>
</head><body>
<main>
<header>
<h1>${h(o.title)}</h1>
<div class="sub">${o.description ? `${h(o.description)}<br>` : ''}strategy <b>${h(o.strategy)}</b>${params ? ` · ${params}` : ''}<br>
${h(o.symbols.join(', '))} · ${h(o.timeframe)} bars · ${h(o.timezone)} · ${h(period)} · ${h(localeNumber(m.period.bars))} bars${runId !== undefined ? ` · run ${h(runId)}` : ''}</div>
</header>
<nav class="range" aria-label="period shown">period shown: <button type="button" data-range="1y">1Y</button><button type="button" data-range="3y">3Y</button><button type="button" data-range="5y">5Y</button><button type="button" data-range="all" class="on">all</button></nav>
<section id="prices">${prices}</section>
<section><h2>Equity</h2><div class="legend"><span><i style="background:#1e88e5"></i>strategy</span><span><i style="background:#9e9e9e"></i>buy &amp; hold</span></div>
<div class="chart" id="equity"></div>
${logScale ? '<p class="note">Logarithmic scale: equal heights are equal percentage moves.</p>' : ''}
<h2>Cumulative return (%)</h2><div class="legend"><span><i style="background:#1e88e5"></i>strategy</span><span><i style="background:#9e9e9e"></i>buy &amp; hold</span></div>
<div class="chart small" id="rebased"></div>
<h2>Drawdown</h2><div class="legend"><span><i style="background:#c62828"></i>strategy</span><span><i style="background:#9e9e9e"></i>buy &amp; hold</span></div>
<div class="chart small" id="drawdown"></div>
<h2>Rolling Sharpe and volatility <span class="sub">(${h(localeNumber(charts.rollingWindow))} bars)</span></h2><div class="legend"><span><i style="background:#6a1b9a"></i>Sharpe (right axis)</span><span><i style="background:#ef6c00"></i>volatility, annualised % (left axis)</span></div>
<div class="chart small" id="rolling"></div>
<h2>Exposure <span class="sub">(open positions at their last close, % of the account value)</span></h2>
<div class="chart small" id="exposure"></div>
<h2>Worst drawdowns</h2>${worst}</section>
<section><h2>Metrics</h2>${metricsTable(m, fmtTime)}
<p class="note">Annualised with ${h(m.settings.annualisation)} (${h(localeNumber(m.settings.periodsPerYear))} bars a year); risk-free rate ${h((m.settings.riskFreeRate * 100).toFixed(2))}% a year. Buy &amp; hold: equal parts of the initial cash in each symbol at its first close, no costs.</p></section>
<section><h2>Returns</h2>${returns}</section>
<section><h2>Monthly returns (%)</h2>${heatMap(m.monthly.strategy, 'strategy')}${heatMap(m.monthly.benchmark, 'buy & hold')}</section>
<section><h2>Trades</h2><div class="trades-wrap">`, tradeList, `</div>
${positionsTable(o.result.positions)}</section>
<section><h2>Spec</h2>${o.specFile ? `<p class="sub">${h(o.specFile)}</p>` : ''}${o.overrides?.length ? `<p class="sub">overrides: ${h(o.overrides.join(' '))}</p>` : ''}<pre>${h(o.specText)}</pre></section>
</main>
<script type="application/json" id="report-data">`, json, `</script>
<script>`, chartLibrary(), `</script>
<script>${scriptSource(RENDER)}</script>
</body></html>
`]
}

function timeFormatter(tz: string, timeframeMs: number): (t: number) => string {
  if (timeframeMs >= DAY_MS) return (t) => localDateOf(t, tz)
  // One offset lookup per time (a long run's report formats tens of thousands of them).
  return (t) => {
    const wall = t + utcOffset(t, tz)
    const day = Math.floor(wall / DAY_MS)
    const minutes = Math.floor((wall - day * DAY_MS) / 60_000)
    const hour = Math.floor(minutes / 60)
    const minute = minutes - hour * 60
    return `${isoDate(day)} ${hour < 10 ? '0' : ''}${hour}:${minute < 10 ? '0' : ''}${minute}`
  }
}

export {timeFormatter}
