/**
 * Trades between a sweep worker and the main thread as one Float64Array (its buffer transferred)
 * instead of an array of objects: a structured clone of 12,000 trade objects costs the main
 * thread more than a vector run costs a worker. The objects are rebuilt on arrival with the
 * ledger's key order, so a run's trades print and compare the same either way.
 */
import type {BacktestResult} from '../engine/result.js'
import type {Trade} from '../model/trade.js'
import {packTrades, unpackTrades, type PackedTrades} from '../model/packed-trades.js'
import {tradeColumns} from '../model/run-columns.js'
import type {ResultMessage} from './messages.js'
import type {SentMetrics} from './sent-metrics.js'

/** A vector run's result message: no curve (its worker makes it again if the sweep's top N needs it), the trades already packed. */
export function packedResultMessage(index: number, metrics: SentMetrics, counts: BacktestResult['counts'], trades: PackedTrades): {message: ResultMessage; transfer: ArrayBuffer[]} {
  return {message: {kind: 'result', index, metrics, trades: [], equity: new Float64Array(0), counts, packedTrades: trades}, transfer: [trades.values.buffer as ArrayBuffer]}
}

/**
 * A run's result message and the buffers it transfers (the equity curve unless left out, the
 * packed trades unless left out: `withTrades` false sends none).
 */
export function resultMessage(index: number, metrics: SentMetrics, r: Pick<BacktestResult, 'trades' | 'equity' | 'counts'>, withEquity = true, withTrades = true): {message: ResultMessage; transfer: ArrayBuffer[]} {
  const value = withEquity ? r.equity.value : new Float64Array(0)
  const packed = withTrades ? packedTrades(r) : undefined
  const transfer = withEquity ? [value.buffer as ArrayBuffer] : []
  if (packed === undefined) return {message: {kind: 'result', index, metrics, trades: withTrades ? r.trades : [], equity: value, counts: r.counts}, transfer}
  transfer.push(packed.values.buffer as ArrayBuffer)
  return {message: {kind: 'result', index, metrics, trades: [], equity: value, counts: r.counts, packedTrades: packed}, transfer}
}

/** One symbol's trades packed: straight from the run's columns when it has them (model/run-columns.ts), no object made. */
function packedTrades(r: Pick<BacktestResult, 'trades'>): PackedTrades | undefined {
  const columns = tradeColumns(r)
  if (columns === undefined || columns.symbols.length !== 1) return packTrades(r.trades)
  if (columns.log.count === 0) return undefined
  const multiplier = columns.log.multiplierOf(0)
  return multiplier === 1 ? {symbol: columns.symbols[0], values: columns.log.packed()} : {symbol: columns.symbols[0], values: columns.log.packed(), multiplier}
}

/**
 * Gives `m` (a result message with packed trades) a `trades` property that rebuilds the objects
 * on first read: a sweep without recording reads the trades of a few runs at most, and a million
 * trade objects held for nothing cost the main thread its time in garbage collection.
 */
export function lazyTrades(m: ResultMessage & {kind: 'result'}): void {
  const packed = m.packedTrades
  if (packed === undefined) return
  delete m.packedTrades
  // Still readable (not enumerable: the message reads as before) for the results store, which
  // appends the packed form as it is: no object per trade (recording a sweep writes hundreds of
  // thousands of them). Trades set anew replace it.
  let kept: PackedTrades | undefined = packed
  let trades: Trade[] | undefined
  Object.defineProperty(m, 'packedTrades', {enumerable: false, configurable: true, get: () => kept})
  Object.defineProperty(m, 'trades', {
    enumerable: true,
    configurable: true,
    get: () => (trades ??= unpackTrades(packed)),
    set: (t: Trade[]) => {
      trades = t
      kept = undefined
    },
  })
}
