/**
 * The series the report's charts draw, sized for a browser: at most MAX_POINTS points per series.
 * Longer runs are bucketed (k consecutive bars per point): candles merge into one OHLC candle,
 * curves keep each bucket's last value, the drawdown its deepest. A curve's point is dated at the
 * bar whose value it shows (the bucket's last bar; the drawdown's deepest bar): dated at the
 * bucket's first bar, each value was drawn up to k − 1 bars before it happened. Candles, and the
 * indicator lines over them, keep the bucket's first bar: a candle stands for its whole bucket,
 * its close and the line's value for that bucket's end. Times become market-local seconds,
 * because the chart library shows timestamps as UTC; a time that does not increase (a DST
 * fall-back hour) is dropped so the series stays strictly ascending.
 *
 * They are made as columns (`chartColumns`), the form the report embeds (chart-json.ts): a long
 * run's curves and candles as objects were ~110,000 of them, which lived until the page was
 * written and were copied by each young-generation collection on the way (~50 ms of a report).
 */
import {utcOffset} from '../calendar/index.js'
import {drawdownSeries} from '../metrics/drawdown.js'
import type {Bars} from '../model/bars.js'
import type {Trade} from '../model/trade.js'
import {CURVES, sharedTimes, unpackCharts, type PackedCandles, type PackedCharts, type PackedPoints} from './chart-json.js'
import type {Rolling} from './rolling.js'

export const MAX_POINTS = 10_000
export const MAX_MARKERS = 2000

export interface Candle {time: number; open: number; high: number; low: number; close: number}
export interface Point {time: number; value: number}
export interface Marker {time: number; position: 'aboveBar' | 'belowBar'; color: string; shape: 'arrowUp' | 'arrowDown'; text: string}

export interface ChartData {
  /** Bars per point (1 = not bucketed). */
  bucket: number
  /** `overlays`: indicator lines drawn over the candles (`report.overlay` in the spec). */
  prices: Array<{symbol: string; candles: Candle[]; markers: Marker[]; markersDropped: number; overlays: Array<{name: string; points: Point[]}>}>
  equity: Point[]
  benchmark: Point[]
  drawdown: Point[]
  /** Buy-and-hold's drawdown, beside the strategy's (empty when not given). */
  benchmarkDrawdown: Point[]
  /** Cumulative return in percent from the initial cash, strategy and buy & hold (empty without `initial`). */
  rebased: Point[]
  rebasedBenchmark: Point[]
  /** Rolling Sharpe and annualised volatility (percent) over `rollingWindow` bars, from the first full window (empty without `rolling`). */
  rollingWindow: number
  rollingSharpe: Point[]
  rollingVolatility: Point[]
  /** Gross exposure in percent of the account value (empty without `exposure`). */
  exposure: Point[]
}

/** Bars per chart point for a curve of n points. */
export function chartBucket(n: number): number {
  return Math.max(1, Math.ceil(n / MAX_POINTS))
}

/** Indicator lines per symbol (index-aligned with `bars`), each over that symbol's bars. */
export type Overlays = ReadonlyArray<ReadonlyArray<{name: string; values: Float64Array}>>

export interface ChartInput {
  bars: readonly Bars[]
  time: Float64Array
  value: Float64Array
  benchmark: Float64Array
  /**
   * `drawdownSeries(initial, value, chartBucket(n))` and the same of `benchmark`. Each point is
   * dated at its bucket's deepest bar: `drawdownAt`/`benchmarkDrawdownAt` (drawdownSeries'
   * `deepestAt`, from the same walk), or found again from `value`/`benchmark` and `initial`
   * (without `initial`, the first value is the first peak).
   */
  drawdown: Float64Array
  benchmarkDrawdown?: Float64Array
  drawdownAt?: Int32Array
  benchmarkDrawdownAt?: Int32Array
  initial?: number
  rolling?: Rolling
  exposure?: Float64Array
  trades: readonly Trade[]
  /** A symbol's number of trades in all, when `trades` holds only its last MAX_MARKERS / 2 (report-trades.ts). */
  tradeTotals?: (symbol: string) => number
  timezone: string
  overlays?: Overlays
}

/** The charts as points (`chartColumns` read back: what the page's script gives the chart library). */
export function chartData(o: ChartInput): ChartData {
  return unpackCharts(chartColumns(o))
}

/**
 * `drawdown`, `benchmarkDrawdown`, `rolling` and `exposure` come one value per chart point
 * already (computed with `chartBucket(time.length)`: a bucket's deepest drawdown, the others its
 * last value), so no million-point copy of them is ever made.
 */
export function chartColumns(o: ChartInput): PackedCharts {
  const n = o.time.length
  const bucket = chartBucket(n)
  const local = (t: number) => Math.floor((t + utcOffset(t, o.timezone)) / 1000)
  const count = Math.ceil(n / bucket)
  // Most curves show each bucket's last bar: their chart times, once for all of them.
  const at = new Float64Array(count)
  for (let k = 0; k < count; k++) at[k] = local(o.time[Math.min(n, (k + 1) * bucket) - 1])
  // The points whose time rises (a DST fall-back hour repeats local times; those are dropped
  // before a curve looks at its value): once for every curve.
  const points: number[] = []
  for (let k = 0, last = -Infinity; k < count; k++) {
    if (at[k] <= last) continue
    last = at[k]
    points.push(k)
  }
  // The curves of a value per bar (equity, buy & hold, both rebased) have a point at every chart
  // point, each its bucket's last bar's; the charts' `times` are theirs.
  const times = points.map((k) => at[k])
  const lastValues = (values: Float64Array): number[] => points.map((k) => values[Math.min(n, (k + 1) * bucket) - 1])
  /**
   * A series of one value per chart point (`values[k]`) × `scale`, at the points where it is
   * finite (with `zero`: at every point, 0 where it is not). No callback per point: one that
   * differed from curve to curve made V8 throw this loop's optimised code away at each curve.
   */
  const perPoint = (values: Float64Array, scale: number, zero: boolean): PackedPoints => {
    const t: number[] = []
    const out: number[] = []
    const most = Math.min(count, values.length)
    for (let j = 0; j < points.length && points[j] < most; j++) {
      const v = values[points[j]]
      const ok = Number.isFinite(v)
      if (!ok && !zero) continue
      t.push(at[points[j]])
      out.push(ok ? v * scale : 0)
    }
    return {t, v: out}
  }
  /** A drawdown (one value per point, each its bucket's deepest) in percent below zero, each at its deepest bar. */
  const drawdown = (values: Float64Array, curve: Float64Array, deepestAt?: Int32Array): PackedPoints => {
    const bars = bucket === 1 ? undefined : deepestAt ?? deepestBars(o.initial ?? -Infinity, curve, bucket)
    const t: number[] = []
    const out: number[] = []
    const most = Math.min(count, values.length)
    for (let k = 0, last = -Infinity; k < most; k++) {
      const time = bars === undefined ? at[k] : local(o.time[bars[k]])
      if (time <= last) continue
      last = time
      t.push(time)
      out.push(-values[k] * 100)
    }
    return {t, v: out}
  }
  const none = (): PackedPoints => ({t: [], v: []})
  const equity = lastValues(o.value)
  const benchmark = lastValues(o.benchmark)
  /** Cumulative return in percent from the initial cash. */
  const rebased = (values: number[]): PackedPoints => ({v: values.map((v) => (v / o.initial! - 1) * 100)})
  const curves: Record<(typeof CURVES)[number], PackedPoints> = {
    equity: {v: equity},
    benchmark: {v: benchmark},
    drawdown: drawdown(o.drawdown, o.value, o.drawdownAt),
    benchmarkDrawdown: o.benchmarkDrawdown ? drawdown(o.benchmarkDrawdown, o.benchmark, o.benchmarkDrawdownAt) : none(),
    rebased: o.initial ? rebased(equity) : none(),
    rebasedBenchmark: o.initial ? rebased(benchmark) : none(),
    exposure: o.exposure ? perPoint(o.exposure, 100, true) : none(),
    rollingSharpe: o.rolling ? perPoint(o.rolling.sharpe, 1, false) : none(),
    rollingVolatility: o.rolling ? perPoint(o.rolling.volatility, 100, false) : none(),
  }
  const prices = o.bars.slice(0, 4).map((b, k) => ({...priceColumns(b, bucket, local, o.trades, o.tradeTotals), overlays: (o.overlays?.[k] ?? []).map((l) => ({name: l.name, points: overlayColumns(b, l.values, bucket, local)}))}))
  // The other curves, and the candles of a symbol with a bar at every point, with a point at every
  // chart point: their times once, not once each.
  sharedTimes([...Object.values(curves), ...prices.map((p) => p.candles)], times)
  return {
    bucket,
    times,
    prices,
    ...curves,
    rollingWindow: o.rolling?.window ?? 0,
  }
}

/**
 * An indicator line on a price chart: each bucket's last value, at the bucket's open time, the time
 * of its candle (no point before the indicator has a value). At a time of its own it would give
 * the chart's time scale a slot with no candle in it, between every two candles.
 */
function overlayColumns(b: Bars, values: Float64Array, bucket: number, local: (t: number) => number): PackedPoints {
  const t: number[] = []
  const out: number[] = []
  for (let from = 0; from < b.length; from += bucket) {
    const v = values[Math.min(b.length, from + bucket) - 1]
    if (!Number.isFinite(v)) continue
    const time = local(b.time[from])
    // Times strictly increasing (a DST fall-back hour repeats local times).
    if (t.length > 0 && time <= t[t.length - 1]) continue
    t.push(time)
    out.push(v)
  }
  return {t, v: out}
}

function priceColumns(b: Bars, bucket: number, local: (t: number) => number, trades: readonly Trade[], totals?: (symbol: string) => number): Omit<PackedCharts['prices'][number], 'overlays'> {
  const candleTimes: number[] = []
  const candles: PackedCandles = {t: candleTimes, o: [], h: [], l: [], c: []}
  const starts: number[] = [] // UTC open time of each candle, to place markers
  // The columns in locals: this loop over every bar runs once, mostly before V8 optimises it,
  // where each `b.close[i]` would be a property load too.
  const {open: opens, high: highs, low: lows, close: closes, time: times} = b
  for (let from = 0; from < b.length; from += bucket) {
    const to = Math.min(b.length, from + bucket)
    let high = -Infinity
    let low = Infinity
    let open = NaN
    let close = NaN
    for (let i = from; i < to; i++) {
      const c = closes[i]
      if (c !== c) continue
      if (open !== open) open = opens[i]
      close = c
      if (highs[i] > high) high = highs[i]
      if (lows[i] < low) low = lows[i]
    }
    if (open !== open) continue
    const time = local(times[from])
    if (candleTimes.length > 0 && time <= candleTimes[candleTimes.length - 1]) continue
    candleTimes.push(time)
    candles.o.push(open)
    candles.h.push(high)
    candles.l.push(low)
    candles.c.push(close)
    starts.push(times[from])
  }
  const own = trades.filter((t) => t.symbol === b.symbol)
  const shown = own.slice(-MAX_MARKERS / 2)
  const markers: Marker[] = []
  // Labels only while they can be read; beyond that the arrows alone.
  const labelled = shown.length <= 40
  for (const t of shown) {
    const long = t.side === 'long'
    markers.push({time: candleAt(candleTimes, starts, t.entryTime), position: long ? 'belowBar' : 'aboveBar', color: long ? '#2e7d32' : '#c62828', shape: long ? 'arrowUp' : 'arrowDown', text: labelled ? (long ? 'buy' : 'short') : ''})
    markers.push({time: candleAt(candleTimes, starts, t.exitTime), position: long ? 'aboveBar' : 'belowBar', color: '#546e7a', shape: long ? 'arrowDown' : 'arrowUp', text: labelled ? `exit ${t.netPnl >= 0 ? '+' : ''}${t.netPnl.toFixed(2)}` : ''})
  }
  markers.sort((a, c) => a.time - c.time)
  return {symbol: b.symbol, candles, markers, markersDropped: 2 * ((totals?.(b.symbol) ?? own.length) - shown.length)}
}

/** The chart time of the candle containing instant t (the last candle starting at or before it). */
function candleAt(candleTimes: readonly number[], starts: number[], t: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid] <= t) lo = mid
    else hi = mid - 1
  }
  return candleTimes[Math.max(0, lo)] ?? 0
}

/** For each bucket of `bucket` values, the index of its deepest drawdown (drawdownSeries' `deepestAt`). */
function deepestBars(initial: number, value: ArrayLike<number>, bucket: number): Int32Array {
  const at = new Int32Array(Math.ceil(value.length / bucket))
  drawdownSeries(initial, value, bucket, at)
  return at
}
