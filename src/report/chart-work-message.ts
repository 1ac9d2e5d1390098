/**
 * The chart work's input as a worker receives it (structured clone): the run's fills as columns of
 * their own and the charted symbols' trade totals as a record, where ChartWorkInput has functions.
 * The bars and the equity curve travel as they are: over SharedArrayBuffers (a run loaded with
 * `sharedBars`) they are shared, not copied.
 */
import type {Bars} from '../model/bars.js'
import type {ChartWork, ChartWorkInput} from './chart-work.js'
import type {ExposureFills} from './exposure.js'

export interface ChartWorkMessage extends Omit<ChartWorkInput, 'fills' | 'trades' | 'benchmark'> {
  fills: {time: Float64Array; signedQuantity: Float64Array; symbol: Int32Array; symbols: string[]}
  trades: {total: number; listed: ChartWorkInput['trades']['listed']; charted: ChartWorkInput['trades']['charted']; totals?: Record<string, number>}
}

export type ChartWorkReply = {ready: true} | {work: ChartWork} | {error: string}

export function packChartWork(o: Omit<ChartWorkInput, 'benchmark'>): ChartWorkMessage {
  const f = o.fills
  const time = new Float64Array(f.count)
  const signedQuantity = new Float64Array(f.count)
  const symbol = new Int32Array(f.count)
  const symbols: string[] = []
  for (let j = 0; j < f.count; j++) {
    time[j] = f.time(j)
    signedQuantity[j] = f.signedQuantity(j)
    const s = f.symbol(j)
    let k = symbols.indexOf(s)
    if (k < 0) k = symbols.push(s) - 1
    symbol[j] = k
  }
  const {totals, ...trades} = o.trades
  // chartColumns asks for the totals of the price charts' symbols.
  const charted = o.bars.slice(0, 4).map((b) => b.symbol)
  return {
    ...o,
    fills: {time, signedQuantity, symbol, symbols},
    trades: {...trades, ...(totals ? {totals: Object.fromEntries(charted.map((s) => [s, totals(s)]))} : {})},
  }
}

/** The input back, the benchmark made by `benchmark` (buyAndHoldEquity). */
export function unpackChartWork(m: ChartWorkMessage, benchmark: (bars: readonly Bars[], time: Float64Array, initialCash: number) => Float64Array): ChartWorkInput {
  const {time, signedQuantity, symbol, symbols} = m.fills
  const fills: ExposureFills = {count: time.length, time: (j) => time[j], symbol: (j) => symbols[symbol[j]], signedQuantity: (j) => signedQuantity[j]}
  const {totals, ...trades} = m.trades
  return {
    ...m,
    benchmark: benchmark(m.bars, m.time, m.initialCash),
    fills,
    trades: {...trades, ...(totals ? {totals: (s: string) => totals[s] ?? 0} : {})},
  }
}
