/**
 * The charts as the report embeds them: columns, not one object per point. A long run's ten
 * curves of 10,000 points were ~5 MB of `{"time":…,"value":…}` text, two fifths of it keys and
 * braces; as columns they are half that, and quicker to write. The page's script turns them back
 * into the chart library's points (`unpack` in client-script.ts does what `unpackCharts` does).
 * chart-data.ts makes them in this form.
 */
import type {Candle, ChartData, Marker, Point} from './chart-data.js'

/**
 * A curve: times and values, index for index. A curve with a point at every chart point has no
 * `t` of its own: its times are the charts' `times` (most curves; written once, not once each).
 */
export interface PackedPoints {t?: number[]; v: number[]}
/** A price chart's candles; like a curve, without `t` when their times are the charts' `times`. */
export interface PackedCandles {t?: number[]; o: number[]; h: number[]; l: number[]; c: number[]}

/** The curve keys of ChartData (each a Point[]). */
export const CURVES = ['equity', 'benchmark', 'drawdown', 'benchmarkDrawdown', 'rebased', 'rebasedBenchmark', 'rollingSharpe', 'rollingVolatility', 'exposure'] as const
type Curve = (typeof CURVES)[number]

export type PackedCharts = Omit<ChartData, Curve | 'prices'> & Record<Curve, PackedPoints> & {
  /** The chart points' times, for the curves that have a point at each. */
  times: number[]
  prices: Array<{symbol: string; candles: PackedCandles; markers: Marker[]; markersDropped: number; overlays: Array<{name: string; points: PackedPoints}>}>
}

export function unpackCharts(c: PackedCharts): ChartData {
  const curves = Object.fromEntries(CURVES.map((k) => [k, unpackPoints(c[k], c.times)])) as Record<Curve, Point[]>
  const {times: _times, ...rest} = c
  return {
    ...rest,
    ...curves,
    prices: c.prices.map((p) => ({...p, candles: unpackCandles(p.candles, c.times), overlays: p.overlays.map((o) => ({name: o.name, points: unpackPoints(o.points, c.times)}))})),
  }
}

function unpackPoints(p: PackedPoints, times: number[]): Point[] {
  return (p.t ?? times).map((time, i) => ({time, value: p.v[i]}))
}

/** `times` taken out of the curves and candles whose times they are (equal values, index for index). */
export function sharedTimes(curves: Array<{t?: number[]}>, times: number[]): void {
  for (const p of curves) {
    const t = p.t
    if (t === undefined || t.length !== times.length) continue
    let same = true
    for (let i = 0; i < t.length && same; i++) same = t[i] === times[i]
    if (same) delete p.t
  }
}

function unpackCandles(p: PackedCandles, times: number[]): Candle[] {
  return (p.t ?? times).map((time, i) => ({time, open: p.o[i], high: p.h[i], low: p.l[i], close: p.c[i]}))
}
