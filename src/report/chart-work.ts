/**
 * The report's heavy part: every pass over the million points of a long run (drawdowns, rolling
 * figures, exposure, candles, excursions, daily returns) and the chart data's JSON. It needs no
 * metrics, so it can run beside them: in this thread (prepareReport) or in a worker of its own
 * (chart-work-thread.ts) while the metrics are computed and the run is recorded. What it returns is
 * plain data, the same either way; render-report.ts assembles the page around it.
 */
import type {Bars} from '../model/bars.js'
import {DAY_MS} from '../model/time.js'
import type {Trade} from '../model/trade.js'
import type {Multipliers} from '../engine/result.js'
import {drawdownSeries, worstDrawdowns, type DrawdownSpell} from '../metrics/drawdown.js'
import {dailyLastIndices} from '../metrics/daily-last.js'
import {chartBucket, chartColumns, type Overlays} from './chart-data.js'
import {jsonForScript} from './escape.js'
import {excursions} from './excursions.js'
import {exposureOf, type ExposureFills} from './exposure.js'
import {dailyReturns, type DailyReturn} from './returns.js'
import {rolling} from './rolling.js'
import {tradeRows} from './trade-rows.js'

export interface ChartWorkInput {
  /** The equity curve: its times (the bars' own for one symbol) and values. */
  time: Float64Array
  value: Float64Array
  /** Buy-and-hold's curve over the same times (metrics/buy-and-hold.ts). */
  benchmark: Float64Array
  initialCash: number
  bars: readonly Bars[]
  /** The run's fills, as much of them as the exposure needs. */
  fills: ExposureFills
  multipliers?: Multipliers
  /** The metrics' settings the rolling figures use. */
  periodsPerYear: number
  riskFreeRate: number
  timezone: string
  timeframeMs: number
  /** report-trades.ts: all the trades, the list's, and those whose markers the charts show. */
  trades: {total: number; listed: readonly Trade[]; charted: readonly Trade[]; totals?: (symbol: string) => number}
  overlays?: Overlays
  /** `dailyLastIndices(time, timezone)`, when the caller has it already. */
  dailyLast?: Uint32Array
}

/** What the page is assembled from (render-report.ts), all of it plain data. */
export interface ChartWork {
  /** The charts' and the trade list's data, as the page embeds it (jsonForScript). */
  json: string
  /** Bars per chart point. */
  bucket: number
  rollingWindow: number
  logScale: boolean
  /** Per price chart: its symbol, how many trades it marks and how many markers it left out. */
  prices: Array<{symbol: string; trades: number; markersDropped: number}>
  worst: {strategy: DrawdownSpell[]; benchmark: DrawdownSpell[]}
  daily: {strategy: DailyReturn[]; benchmark: DailyReturn[]}
  /** Rows of the trade list, and all the trades. */
  shownTrades: number
  totalTrades: number
}

/** The work as steps: each `yield` is a place where the caller may let other work run. */
export function* chartWorkSteps(o: ChartWorkInput): Generator<void, ChartWork, void> {
  const {time, value, initialCash: cash} = o
  // The series beside the equity are computed at the charts' resolution, one value per point.
  const bucket = chartBucket(time.length)
  const drawdown = drawdownSeries(cash, value, bucket)
  const benchmarkDrawdown = drawdownSeries(cash, o.benchmark, bucket)
  yield
  const rollingFigures = rolling(cash, value, o.periodsPerYear, o.riskFreeRate, undefined, bucket)
  yield
  const exposure = exposureOf(o.fills, o.bars, time, value, bucket, o.multipliers)
  yield
  const charts = chartColumns({
    bars: o.bars, time, value, benchmark: o.benchmark, initial: cash, trades: o.trades.charted, tradeTotals: o.trades.totals, timezone: o.timezone, overlays: o.overlays,
    drawdown, benchmarkDrawdown, rolling: rollingFigures, exposure,
  })
  yield
  // Equity on a log scale unless a value is not positive (a log axis cannot show it).
  const logScale = charts.equity.v.every((v) => v > 0) && charts.benchmark.v.every((v) => v > 0)
  const shown = o.trades.listed
  const rows = tradeRows(shown, o.trades.total - shown.length + 1, excursions(shown, o.bars), o.timezone)
  const data = {intraday: o.timeframeMs < DAY_MS, logScale, charts, trades: rows}
  yield
  const worst = {strategy: worstDrawdowns(cash, time, value, 5), benchmark: worstDrawdowns(cash, time, o.benchmark, 5)}
  yield
  const days = o.dailyLast ?? dailyLastIndices(time, o.timezone)
  const daily = {strategy: dailyReturns(cash, time, value, o.timezone, days), benchmark: dailyReturns(cash, time, o.benchmark, o.timezone, days)}
  yield
  return {
    json: jsonForScript(data),
    bucket: charts.bucket,
    rollingWindow: charts.rollingWindow,
    logScale,
    prices: charts.prices.map((p) => ({symbol: p.symbol, trades: p.markers.length / 2, markersDropped: p.markersDropped})),
    worst,
    daily,
    shownTrades: shown.length,
    totalTrades: o.trades.total,
  }
}

/** chartWorkSteps run to its end at once. */
export function chartWork(o: ChartWorkInput): ChartWork {
  const steps = chartWorkSteps(o)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}
