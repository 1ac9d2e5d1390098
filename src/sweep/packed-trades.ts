/**
 * Trades between a sweep worker and the main thread as one Float64Array (its buffer transferred)
 * instead of an array of objects: a structured clone of 12,000 trade objects costs the main
 * thread more than a vector run costs a worker. The objects are rebuilt on arrival with the
 * ledger's key order, so a run's trades print and compare the same either way.
 */
import type {BacktestResult} from '../engine/result.js'
import type {Metrics} from '../metrics/metrics.js'
import type {Trade} from '../model/trade.js'
import type {ResultMessage} from './messages.js'

/** Doubles per trade: side (1 long, -1 short), quantity, entryTime, entryPrice, exitTime, exitPrice, commission, grossPnl, netPnl. */
export const TRADE_FIELDS = 9
const FIELDS = TRADE_FIELDS

export interface PackedTrades {
  /** All trades here are of this one symbol. */
  symbol: string
  values: Float64Array
}

/** Undefined when the trades are not all of one symbol (then they travel as objects). */
export function packTrades(trades: readonly Trade[]): PackedTrades | undefined {
  if (trades.length === 0) return undefined
  const symbol = trades[0].symbol
  const values = new Float64Array(trades.length * FIELDS)
  let o = 0
  for (const t of trades) {
    if (t.symbol !== symbol) return undefined
    values[o] = t.side === 'long' ? 1 : -1
    values[o + 1] = t.quantity
    values[o + 2] = t.entryTime
    values[o + 3] = t.entryPrice
    values[o + 4] = t.exitTime
    values[o + 5] = t.exitPrice
    values[o + 6] = t.commission
    values[o + 7] = t.grossPnl
    values[o + 8] = t.netPnl
    o += FIELDS
  }
  return {symbol, values}
}

export function unpackTrades(p: PackedTrades): Trade[] {
  const v = p.values
  const out: Trade[] = new Array(v.length / FIELDS)
  for (let k = 0, o = 0; o < v.length; k++, o += FIELDS) {
    out[k] = {symbol: p.symbol, side: v[o] > 0 ? 'long' : 'short', quantity: v[o + 1], entryTime: v[o + 2], entryPrice: v[o + 3], exitTime: v[o + 4], exitPrice: v[o + 5], commission: v[o + 6], grossPnl: v[o + 7], netPnl: v[o + 8]}
  }
  return out
}

/** A vector run's result message: no curve (its worker makes it again if the sweep's top N needs it), the trades already packed. */
export function packedResultMessage(index: number, metrics: Metrics, counts: BacktestResult['counts'], trades: PackedTrades): {message: ResultMessage; transfer: ArrayBuffer[]} {
  return {message: {kind: 'result', index, metrics, trades: [], equity: new Float64Array(0), counts, packedTrades: trades}, transfer: [trades.values.buffer as ArrayBuffer]}
}

/** A run's result message and the buffers it transfers (the equity curve unless left out, the packed trades). */
export function resultMessage(index: number, metrics: Metrics, r: Pick<BacktestResult, 'trades' | 'equity' | 'counts'>, withEquity = true): {message: ResultMessage; transfer: ArrayBuffer[]} {
  const value = withEquity ? r.equity.value : new Float64Array(0)
  const packed = packTrades(r.trades)
  const transfer = withEquity ? [value.buffer as ArrayBuffer] : []
  if (packed === undefined) return {message: {kind: 'result', index, metrics, trades: r.trades, equity: value, counts: r.counts}, transfer}
  transfer.push(packed.values.buffer as ArrayBuffer)
  return {message: {kind: 'result', index, metrics, trades: [], equity: value, counts: r.counts, packedTrades: packed}, transfer}
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
  let trades: Trade[] | undefined
  Object.defineProperty(m, 'trades', {
    enumerable: true,
    configurable: true,
    get: () => (trades ??= unpackTrades(packed)),
    set: (t: Trade[]) => (trades = t),
  })
}
