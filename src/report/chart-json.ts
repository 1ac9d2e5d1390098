/**
 * The charts as the report embeds them: columns, not one object per point. A long run's ten
 * curves of 10,000 points were ~5 MB of `{"time":…,"value":…}` text, two fifths of it keys and
 * braces; as columns they are half that, and quicker to write. The page's script turns them back
 * into the chart library's points (`unpack` in client-script.ts does what `unpackCharts` does).
 * chart-data.ts makes them in this form.
 */
import type {Candle, ChartData, Marker, Point} from './chart-data.js'

/** A curve: times and values, index for index. */
export interface PackedPoints {t: number[]; v: number[]}
export interface PackedCandles {t: number[]; o: number[]; h: number[]; l: number[]; c: number[]}

/** The curve keys of ChartData (each a Point[]). */
export const CURVES = ['equity', 'benchmark', 'drawdown', 'benchmarkDrawdown', 'rebased', 'rebasedBenchmark', 'rollingSharpe', 'rollingVolatility', 'exposure'] as const
type Curve = (typeof CURVES)[number]

export type PackedCharts = Omit<ChartData, Curve | 'prices'> & Record<Curve, PackedPoints> & {
  prices: Array<{symbol: string; candles: PackedCandles; markers: Marker[]; markersDropped: number; overlays: Array<{name: string; points: PackedPoints}>}>
}

export function unpackCharts(c: PackedCharts): ChartData {
  const curves = Object.fromEntries(CURVES.map((k) => [k, unpackPoints(c[k])])) as Record<Curve, Point[]>
  return {
    ...c,
    ...curves,
    prices: c.prices.map((p) => ({...p, candles: unpackCandles(p.candles), overlays: p.overlays.map((o) => ({name: o.name, points: unpackPoints(o.points)}))})),
  }
}

function unpackPoints(p: PackedPoints): Point[] {
  return p.t.map((time, i) => ({time, value: p.v[i]}))
}

function unpackCandles(p: PackedCandles): Candle[] {
  return p.t.map((time, i) => ({time, open: p.o[i], high: p.h[i], low: p.l[i], close: p.c[i]}))
}
